import { SessionStore } from './session-store';

describe('SessionStore', () => {
  let now: number;
  let sessions: SessionStore;

  beforeEach(() => {
    now = 1_700_000_000_000;
    sessions = new SessionStore(60_000, () => now);
  });

  it('issues distinct sessions, valid for their lifetime', () => {
    const a = sessions.open();
    const b = sessions.open();
    expect(a.token).not.toBe(b.token);
    expect(a.expiresInSeconds).toBe(60);
    now += 59_999;
    expect(sessions.check(a.token)).toBe('valid');
    now += 1;
    expect(sessions.check(a.token)).toBe('expired');
  });

  it('does not know a token it never issued, nor a missing one', () => {
    sessions.open();
    expect(sessions.check('not-a-session')).toBe('unknown');
    expect(sessions.check(undefined)).toBe('unknown');
    expect(sessions.check('')).toBe('unknown');
  });

  it('ends every session on demand and says how many were still valid', () => {
    const a = sessions.open();
    const b = sessions.open();
    now += 60_000;
    const c = sessions.open();
    expect(sessions.expireAll()).toBe(1);
    expect([a, b, c].map((s) => sessions.check(s.token))).toEqual(['expired', 'expired', 'expired']);
  });

  it('forgets sessions a lifetime after they expired, so that logins do not pile up', () => {
    const old = sessions.open();
    now += 120_000;
    sessions.open();
    expect(sessions.size).toBe(1);
    expect(sessions.check(old.token)).toBe('unknown');
  });
});
