import { HealthCheckTimeoutError, kafkaHealthCheck, redisHealthCheck, runHealthCheck } from './health-checks';

describe('runHealthCheck', () => {
  it('resolves when the check does', async () => {
    await expect(runHealthCheck({ name: 'x', check: async () => undefined })).resolves.toBeUndefined();
  });

  it('rejects with the check\'s own error', async () => {
    await expect(runHealthCheck({ name: 'x', check: async () => Promise.reject(new Error('broker gone')) })).rejects.toThrow('broker gone');
  });

  it('turns a synchronous throw into a rejection', async () => {
    const check = (): Promise<void> => {
      throw new Error('sync');
    };
    await expect(runHealthCheck({ name: 'x', check })).rejects.toThrow('sync');
  });

  it('fails a check that does not answer within its timeout', async () => {
    const started = Date.now();
    await expect(runHealthCheck({ name: 'redis', check: () => new Promise(() => undefined), timeoutMs: 50 })).rejects.toThrow(HealthCheckTimeoutError);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('redisHealthCheck / kafkaHealthCheck', () => {
  it('passes on PONG and fails on any other reply', async () => {
    await expect(redisHealthCheck({ ping: async () => 'PONG' }).check()).resolves.toBeUndefined();
    await expect(redisHealthCheck({ ping: async () => 'LOADING' }).check()).rejects.toThrow(/LOADING/);
    expect(redisHealthCheck({ ping: async () => 'PONG' }, 'cache').name).toBe('cache');
  });

  it('passes when the connection answers its ping', async () => {
    await expect(kafkaHealthCheck({ ping: async () => 'whatever' }).check()).resolves.toBeUndefined();
    await expect(kafkaHealthCheck({ ping: async () => Promise.reject(new Error('down')) }).check()).rejects.toThrow('down');
  });
});
