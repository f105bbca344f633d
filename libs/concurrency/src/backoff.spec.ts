import { backoffMs } from './backoff';

describe('backoffMs', () => {
  it('doubles from the first delay, each pause between half the step and the step', () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, 1000, 60_000, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((a) => backoffMs(a, 1000, 60_000, () => 1))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    expect(backoffMs(7, 1000, 30_000, () => 1)).toBe(30_000);
    expect(backoffMs(1000, 1000, 30_000, () => 1)).toBe(30_000);
    expect(backoffMs(1000, 1000, 30_000, () => 0)).toBe(15_000);
  });
});
