import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CryptoKey, JWK, exportJWK, generateKeyPair, importJWK, calculateJwkThumbprint } from 'jose';

export const TOKEN_ALGORITHM = 'ES256';

export interface SigningKeys {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** The public half, as published at /.well-known/jwks.json. */
  readonly publicJwk: JWK;
}

/**
 * The platform's token-signing key pair (ECDSA P-256). Asymmetric, so that other parties — another province's
 * LGSP, the NGSP, a service behind the gateway — can verify this platform's tokens from its JWKS without being
 * able to mint them. Kept in the data directory so tokens stay valid across restarts and replicas sharing it.
 */
export async function loadOrCreateSigningKeys(path: string): Promise<SigningKeys> {
  let privateJwk: JWK;
  if (existsSync(path)) {
    privateJwk = JSON.parse(readFileSync(path, 'utf8')) as JWK;
  } else {
    const pair = await generateKeyPair(TOKEN_ALGORITHM, { extractable: true });
    privateJwk = await exportJWK(pair.privateKey);
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, JSON.stringify(privateJwk), { mode: 0o600 });
    renameSync(tmp, path);
  }
  const { d: _private, ...publicPart } = privateJwk;
  const kid = await calculateJwkThumbprint(publicPart);
  const publicJwk: JWK = { ...publicPart, kid, alg: TOKEN_ALGORITHM, use: 'sig' };
  return {
    kid,
    privateKey: (await importJWK(privateJwk, TOKEN_ALGORITHM)) as CryptoKey,
    publicKey: (await importJWK(publicJwk, TOKEN_ALGORITHM)) as CryptoKey,
    publicJwk,
  };
}

export const SIGNING_KEYS = Symbol('SIGNING_KEYS');
