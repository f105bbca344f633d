import { isSensitiveLogKey, scrubLogLine } from './log-scrubber';

describe('scrubLogLine', () => {
  it('hides secret-looking keys at any depth and masks personal data in every string, keeping the line JSON', () => {
    const line =
      JSON.stringify({
        level: 'info',
        requestId: 'abc-1',
        msg: 'lookup 038095000112 for 0912345678',
        smtpPassword: 'hunter2',
        nested: { refresh_token: 'r1', clientSecretValue: 's', set_cookie: 'sid=1', fullName: 'Nguyễn Văn A', ok: 'G12.01.38.H56' },
        pid: 4242,
      }) + '\n';
    const out = scrubLogLine(line);
    expect(out.endsWith('\n')).toBe(true);
    expect(JSON.parse(out)).toEqual({
      level: 'info',
      requestId: 'abc-1',
      msg: 'lookup 038*******12 for *******678',
      smtpPassword: '***',
      nested: { refresh_token: '***', clientSecretValue: '***', set_cookie: '***', fullName: '***', ok: 'G12.01.38.H56' },
      pid: 4242,
    });
  });

  it('masks a line that is not JSON as text rather than letting it through', () => {
    expect(scrubLogLine('plain 038095000112')).toBe('plain 038*******12');
  });

  it.each([
    ['authorization', true],
    ['Proxy-Authorization', true],
    ['accessToken', true],
    ['x-api-token', true],
    ['db_password', true],
    ['cookie', true],
    ['soCCCD', true],
    ['requestId', false],
    ['responseTime', false],
    ['tokenType', false],
    ['remoteAddress', false],
  ])('isSensitiveLogKey(%s) is %s', (key, expected) => {
    expect(isSensitiveLogKey(key)).toBe(expected);
  });
});
