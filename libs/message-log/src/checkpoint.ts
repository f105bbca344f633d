import { KeyObject, createPublicKey, verify } from 'node:crypto';
import { CompactSign, type CryptoKey, type JWK } from 'jose';
import { canonicalJson } from './hash-chain';
import { MessageLogCheckpoint, MessageLogRecord } from './message-log-record';

/** The only algorithm checkpoints are signed with: the platform's token-signing key is ECDSA P-256. */
export const CHECKPOINT_ALGORITHM = 'ES256';

/** The private half of the platform signing key, as `loadOrCreateSigningKeys` holds it. */
export interface CheckpointSigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey | KeyObject;
}

/** True when `raw` is meant as a checkpoint (whether or not it is well formed: see `checkpointShapeProblem`). */
export function isCheckpoint(raw: unknown): raw is MessageLogCheckpoint {
  return typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'checkpoint';
}

/** Why an entry marked as a checkpoint is not a usable one, or null when it has every field with its type. */
export function checkpointShapeProblem(c: MessageLogCheckpoint): string | null {
  const fields: [keyof MessageLogCheckpoint, string][] = [['chain', 'string'], ['hash', 'string'], ['at', 'string'], ['kid', 'string'], ['signature', 'string']];
  for (const [name, type] of fields) if (typeof c[name] !== type) return `checkpoint without a ${name}`;
  if (!Number.isInteger(c.seq) || c.seq < 0) return 'checkpoint without a valid seq';
  return null;
}

/** The signed part: every field but the signature, in canonical form. */
function signedPayload(c: Omit<MessageLogCheckpoint, 'signature'>): string {
  const { signature: _signature, ...fields } = c as MessageLogCheckpoint;
  return canonicalJson(fields);
}

/** Signs "record `record.seq` of `record.chain` has hash `record.hash`" with the platform key. */
export async function signCheckpoint(
  record: Pick<MessageLogRecord, 'chain' | 'seq' | 'hash'>,
  key: CheckpointSigningKey,
  at: Date = new Date(),
): Promise<MessageLogCheckpoint> {
  const fields = { type: 'checkpoint' as const, chain: record.chain, seq: record.seq, hash: record.hash, at: at.toISOString(), kid: key.kid };
  const signature = await new CompactSign(new TextEncoder().encode(signedPayload(fields)))
    .setProtectedHeader({ alg: CHECKPOINT_ALGORITHM, kid: key.kid })
    .sign(key.privateKey);
  return { ...fields, signature };
}

/**
 * Public keys by kid, for verifying checkpoints. Verification is synchronous (node:crypto rather than jose, whose
 * verify is async) so that the log verifier stays a plain one-pass loop over entries. A private JWK is accepted
 * and only its public part used, so that the gateway's key file can be given as it is.
 */
export class CheckpointKeys {
  private readonly byKid = new Map<string, KeyObject>();

  constructor(jwks: readonly JWK[]) {
    for (const jwk of jwks) {
      if (!jwk.kid) throw new Error('a checkpoint verification key needs its kid');
      if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') throw new Error(`key ${jwk.kid} is not an EC P-256 key; checkpoints are signed with ${CHECKPOINT_ALGORITHM}`);
      this.byKid.set(jwk.kid, createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' }));
    }
  }

  get size(): number {
    return this.byKid.size;
  }

  /**
   * Null when the checkpoint was signed by one of these keys over exactly its fields; otherwise why not. The
   * header must name ES256 and the checkpoint's own kid and nothing that changes how the payload is read (b64,
   * crit), so that a signature made for something else cannot be passed off as this checkpoint's.
   */
  signatureProblem(c: MessageLogCheckpoint): string | null {
    const key = this.byKid.get(c.kid);
    if (!key) return `it names key ${c.kid}, which is not one of the platform keys given`;
    const parts = c.signature.split('.');
    if (parts.length !== 3) return 'its signature is not a compact JWS';
    const [header, payload, signature] = parts;
    let protectedHeader: Record<string, unknown>;
    try {
      protectedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return 'its signature header is not JSON';
    }
    const headerKeys = Object.keys(protectedHeader).sort().join(',');
    if (protectedHeader.alg !== CHECKPOINT_ALGORITHM || protectedHeader.kid !== c.kid || headerKeys !== 'alg,kid') {
      return `its signature header is not {alg: ${CHECKPOINT_ALGORITHM}, kid: ${c.kid}}`;
    }
    const valid = verify('sha256', Buffer.from(`${header}.${payload}`, 'ascii'), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
    if (!valid) return 'its signature does not verify with that key';
    if (Buffer.from(payload, 'base64url').toString('utf8') !== signedPayload(c)) return 'its fields differ from the ones that were signed';
    return null;
  }
}
