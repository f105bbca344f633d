import { KeyedMutex } from './keyed-mutex';

const tick = () => new Promise((r) => setImmediate(r));

describe('KeyedMutex', () => {
  it('runs work on the same key one at a time, in arrival order', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    let release!: () => void;
    const first = mutex.run(['a'], async () => {
      log.push('first in');
      await new Promise<void>((r) => (release = r));
      log.push('first out');
    });
    const second = mutex.run(['a'], async () => void log.push('second'));
    await tick();
    expect(log).toEqual(['first in']);
    release();
    await Promise.all([first, second]);
    expect(log).toEqual(['first in', 'first out', 'second']);
  });

  it('runs work on different keys at the same time', async () => {
    const mutex = new KeyedMutex();
    let release!: () => void;
    const held = mutex.run(['a'], () => new Promise<void>((r) => (release = r)));
    let ran = false;
    await mutex.run(['b'], async () => void (ran = true));
    expect(ran).toBe(true);
    release();
    await held;
  });

  it('takes several keys without deadlock, whatever order callers name them in', async () => {
    const mutex = new KeyedMutex();
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        mutex.run(i % 2 ? ['x', 'y'] : ['y', 'x', 'y'], async () => {
          await tick();
          order.push(i);
        }),
      ),
    );
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('releases the keys when the work throws', async () => {
    const mutex = new KeyedMutex();
    await expect(mutex.run(['a'], async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(mutex.run(['a'], async () => 'next')).resolves.toBe('next');
    expect((mutex as unknown as { tails: Map<string, unknown> }).tails.size).toBe(0);
  });
});
