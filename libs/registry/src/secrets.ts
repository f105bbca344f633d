import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Client secrets are stored as `scrypt$N$r$p$saltB64$hashB64`. The cost travels with each hash, so hashes
 * made at different costs (a demo file, an older deployment) keep verifying after the default changes.
 */

export const DEFAULT_SCRYPT_COST = 16384;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

// Bounds for hashes read from a file: a hash is data, and an absurd N must not become a memory bomb.
const MAX_COST = 1 << 20;
const MAX_BLOCK_SIZE = 32;
const MAX_PARALLELISM = 16;

let currentCost = DEFAULT_SCRYPT_COST;

/**
 * Lowers (or raises) the scrypt cost N of hashes made from now on, for this process. Unit tests and the demo
 * generator set a small N (e.g. 1024) so that hashing dozens of secrets takes milliseconds instead of seconds;
 * a production process never calls it. Verification always uses the N recorded in the hash.
 */
export function setSecretHashCost(cost: number): void {
  if (!isPowerOfTwo(cost) || cost < 2 || cost > MAX_COST) {
    throw new RangeError(`scrypt cost must be a power of two between 2 and ${MAX_COST}, got ${cost}`);
  }
  currentCost = cost;
}

export function secretHashCost(): number {
  return currentCost;
}

/** 32 random bytes, base64url: 43 characters, safe in a URL, a header or a YAML file without quoting. */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

export interface HashSecretOptions {
  /** Defaults to the process-wide cost (see setSecretHashCost). */
  cost?: number;
  /** scrypt's r and p; the defaults (8 and 1) are what every hash this module makes uses unless told otherwise. */
  blockSize?: number;
  parallelism?: number;
  /** Only for reproducible fixtures (the deterministic demo): a fixed salt makes equal secrets hash equally. */
  salt?: Buffer;
}

export async function hashSecret(secret: string, options: HashSecretOptions = {}): Promise<string> {
  const params: SecretHashParams = {
    cost: options.cost ?? currentCost,
    blockSize: options.blockSize ?? BLOCK_SIZE,
    parallelism: options.parallelism ?? PARALLELISM,
  };
  if (!isPowerOfTwo(params.cost) || params.cost < 2 || params.cost > MAX_COST) {
    throw new RangeError(`scrypt cost must be a power of two between 2 and ${MAX_COST}, got ${params.cost}`);
  }
  if (!isIntegerIn(params.blockSize, 1, MAX_BLOCK_SIZE) || !isIntegerIn(params.parallelism, 1, MAX_PARALLELISM)) {
    throw new RangeError(`scrypt r must be 1–${MAX_BLOCK_SIZE} and p 1–${MAX_PARALLELISM}, got r=${params.blockSize} p=${params.parallelism}`);
  }
  const salt = options.salt ?? randomBytes(SALT_BYTES);
  const key = await derive(secret, salt, params, KEY_BYTES);
  return ['scrypt', params.cost, params.blockSize, params.parallelism, salt.toString('base64'), key.toString('base64')].join('$');
}

/** False (never a throw) for a wrong secret and for a hash this module cannot read. */
export async function verifySecret(secret: string, secretHash: string): Promise<boolean> {
  const parsed = parseSecretHash(secretHash);
  if (!parsed || typeof secret !== 'string') return false;
  const candidate = await derive(secret, parsed.salt, parsed, parsed.key.length);
  return timingSafeEqual(candidate, parsed.key);
}

export function isSecretHash(value: unknown): boolean {
  return typeof value === 'string' && parseSecretHash(value) !== null;
}

export interface SecretHashParams {
  cost: number;
  blockSize: number;
  parallelism: number;
}

interface ParsedSecretHash extends SecretHashParams {
  salt: Buffer;
  key: Buffer;
}

/** The cost parameters of a stored hash, so that a dummy verification can cost exactly as much as a real one. */
export function secretHashParams(secretHash: string): SecretHashParams | null {
  const parsed = parseSecretHash(secretHash);
  return parsed && { cost: parsed.cost, blockSize: parsed.blockSize, parallelism: parsed.parallelism };
}

function parseSecretHash(secretHash: string): ParsedSecretHash | null {
  if (typeof secretHash !== 'string') return null;
  const parts = secretHash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [, costText, blockSizeText, parallelismText, saltText, keyText] = parts as [string, string, string, string, string, string];
  const cost = strictInteger(costText);
  const blockSize = strictInteger(blockSizeText);
  const parallelism = strictInteger(parallelismText);
  if (cost === null || !isPowerOfTwo(cost) || cost < 2 || cost > MAX_COST) return null;
  if (blockSize === null || blockSize < 1 || blockSize > MAX_BLOCK_SIZE) return null;
  if (parallelism === null || parallelism < 1 || parallelism > MAX_PARALLELISM) return null;
  const salt = strictBase64(saltText);
  const key = strictBase64(keyText);
  if (!salt || salt.length < 8 || !key || key.length < 16 || key.length > 64) return null;
  return { cost, blockSize, parallelism, salt, key };
}

function derive(secret: string, salt: Buffer, params: SecretHashParams, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      secret,
      salt,
      keyLength,
      // Node refuses N·r above 32 MiB by default; allow what the bounds above permit.
      { N: params.cost, r: params.blockSize, p: params.parallelism, maxmem: 256 * params.cost * params.blockSize },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

function strictInteger(text: string): number | null {
  return /^[1-9]\d{0,8}$/.test(text) ? Number(text) : null;
}

function strictBase64(text: string): Buffer | null {
  // Buffer.from silently skips junk; a hash that does not round-trip is a corrupted hash.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : null;
}

function isIntegerIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

function isPowerOfTwo(value: number): boolean {
  return Number.isInteger(value) && value > 0 && (value & (value - 1)) === 0;
}
