import { DEFAULT_SCRYPT_COST, generateSecret, hashSecret, isSecretHash, secretHashCost, setSecretHashCost, verifySecret } from './secrets';

setSecretHashCost(1024);

describe('client secrets', () => {
  it('verifies the right secret and refuses a wrong one', async () => {
    const hash = await hashSecret('correct horse');
    expect(await verifySecret('correct horse', hash)).toBe(true);
    expect(await verifySecret('correct hors', hash)).toBe(false);
    expect(await verifySecret('', hash)).toBe(false);
  });

  it('salts each hash, so two hashes of one secret differ and both verify', async () => {
    const [first, second] = await Promise.all([hashSecret('same'), hashSecret('same')]);
    expect(first).not.toBe(second);
    expect(await verifySecret('same', first)).toBe(true);
    expect(await verifySecret('same', second)).toBe(true);
  });

  it('writes the cost into the hash and verifies with it after the default changes', async () => {
    const hash = await hashSecret('s', { cost: 2048 });
    expect(hash).toMatch(/^scrypt\$2048\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    expect(secretHashCost()).toBe(1024);
    expect(await verifySecret('s', hash)).toBe(true);
  });

  it('uses the production cost unless told otherwise', () => {
    expect(DEFAULT_SCRYPT_COST).toBe(16384);
  });

  it('is the same hash for the same salt, which the deterministic demo relies on', async () => {
    const salt = Buffer.alloc(16, 7);
    expect(await hashSecret('s', { salt })).toBe(await hashSecret('s', { salt }));
  });

  it.each([
    ['empty', ''],
    ['another scheme', 'bcrypt$2b$10$abcdefghijklmnopqrstuv'],
    ['missing part', 'scrypt$1024$8$1$c2FsdHNhbHRzYWx0'],
    ['cost not a power of two', 'scrypt$1000$8$1$c2FsdHNhbHRzYWx0c2FsdA==$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U='],
    ['absurd cost', 'scrypt$1073741824$8$1$c2FsdHNhbHRzYWx0c2FsdA==$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U='],
    ['junk in base64', 'scrypt$1024$8$1$c2Fsd!!!$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U='],
    ['key too short', 'scrypt$1024$8$1$c2FsdHNhbHRzYWx0c2FsdA==$a2V5'],
  ])('returns false, not an exception, for a malformed hash (%s)', async (_, hash) => {
    expect(isSecretHash(hash)).toBe(false);
    await expect(verifySecret('anything', hash)).resolves.toBe(false);
  });

  it('generates 32-byte base64url secrets that never repeat', () => {
    const secrets = new Set(Array.from({ length: 100 }, generateSecret));
    expect(secrets.size).toBe(100);
    for (const secret of secrets) {
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    }
  });

  it('refuses a cost scrypt cannot use', () => {
    expect(() => setSecretHashCost(1000)).toThrow(RangeError);
    expect(() => setSecretHashCost(0)).toThrow(RangeError);
  });
});
