import { randomBytes } from 'node:crypto';
import type { Clock } from '../config/national-portal-config';

export type SessionCheck = 'valid' | 'expired' | 'unknown';

/**
 * Sessions handed out by /api/login, held in memory: a restarted portal forgets them, as a real one behind a new
 * node would, and senders must cope by logging in again. An expired session is remembered for one more lifetime so
 * that its holder is told "expired" rather than "unknown".
 */
export class SessionStore {
  private readonly sessions = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  open(): { token: string; expiresInSeconds: number } {
    this.forgetLongExpired();
    const token = randomBytes(32).toString('base64url');
    this.sessions.set(token, this.clock() + this.ttlMs);
    return { token, expiresInSeconds: Math.floor(this.ttlMs / 1000) };
  }

  check(token: unknown): SessionCheck {
    if (typeof token !== 'string' || token.length === 0) return 'unknown';
    const expiresAt = this.sessions.get(token);
    if (expiresAt === undefined) return 'unknown';
    return this.clock() < expiresAt ? 'valid' : 'expired';
  }

  /** Ends every session now (a simulation control); returns how many were still valid. */
  expireAll(): number {
    const now = this.clock();
    let ended = 0;
    for (const [token, expiresAt] of this.sessions) {
      if (expiresAt > now) ended++;
      this.sessions.set(token, now);
    }
    return ended;
  }

  get size(): number {
    return this.sessions.size;
  }

  private forgetLongExpired(): void {
    const cutoff = this.clock() - this.ttlMs;
    for (const [token, expiresAt] of this.sessions) if (expiresAt <= cutoff) this.sessions.delete(token);
  }
}
