import { z } from 'zod';
import { EnvironmentError, readEnvironment } from './environment';

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  MODE: z.enum(['embedded', 'kafka']),
  URL: z.string().url().optional(),
});

describe('readEnvironment', () => {
  it('returns the parsed values, defaults filled in and other variables ignored', () => {
    expect(readEnvironment('demo', schema, { MODE: 'kafka', PATH: '/usr/bin' })).toEqual({ PORT: 8080, MODE: 'kafka' });
    expect(readEnvironment('demo', schema, { MODE: 'embedded', PORT: '0' })).toEqual({ PORT: 0, MODE: 'embedded' });
  });

  it('lists every bad variable in one EnvironmentError, a line each, named by the app', () => {
    let thrown: unknown;
    try {
      readEnvironment('demo', schema, { PORT: '70000', URL: 'not a url' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EnvironmentError);
    const lines = (thrown as Error).message.split('\n');
    expect(lines[0]).toBe('invalid demo environment:');
    expect(lines.slice(1).map((line) => line.slice(0, line.indexOf(':')))).toEqual(['  - PORT', '  - MODE', '  - URL']);
  });
});
