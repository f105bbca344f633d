import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NationalSystem } from '../config/national-databases-config';

interface Issued {
  system: NationalSystem;
  expiresAt: number;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  // Compared in constant time so the simulator does not teach connectors to rely on a leaky check.
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Access tokens of all six systems, each bound to the system that issued it. Held in memory: after a restart every
 * token is unknown and clients fetch a new one, as they must against a real system.
 */
export class TokenStore {
  private readonly tokens = new Map<string, Issued>();

  constructor(
    private readonly credentials: Record<NationalSystem, { clientId: string; clientSecret: string }>,
    private readonly ttlMs: number,
    private readonly clock: () => number,
  ) {}

  /** A new token, or null when the credentials are not this system's. */
  issue(system: NationalSystem, clientId: unknown, clientSecret: unknown): { token: string; expiresInSeconds: number } | null {
    const expected = this.credentials[system];
    if (typeof clientId !== 'string' || typeof clientSecret !== 'string') return null;
    if (!sameSecret(clientId, expected.clientId) || !sameSecret(clientSecret, expected.clientSecret)) return null;
    this.dropExpired();
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { system, expiresAt: this.clock() + this.ttlMs });
    return { token, expiresInSeconds: Math.round(this.ttlMs / 1000) };
  }

  /** Whether `authorization` carries a live Bearer token of `system`. */
  accepts(system: NationalSystem, authorization: string | undefined): boolean {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const issued = match ? this.tokens.get(match[1]!) : undefined;
    return issued !== undefined && issued.system === system && issued.expiresAt > this.clock();
  }

  /** Ends every token now (a simulation control): each client's next call is refused until it fetches a new one. */
  expireAll(): number {
    const count = this.tokens.size;
    this.tokens.clear();
    return count;
  }

  private dropExpired(): void {
    const now = this.clock();
    for (const [token, issued] of this.tokens) if (issued.expiresAt <= now) this.tokens.delete(token);
  }
}
