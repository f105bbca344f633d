import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from '@lgsp/registry';
import { SECRETS, smallConfig } from '../../../../libs/registry/src/testing/small-config';
import { GatewayConfig } from '../config/gateway-config';
import { GatewayError } from '../errors/gateway-error';
import { loadOrCreateSigningKeys } from './signing-keys';
import { TokenService } from './token.service';

const CLIENT = 'h56-qlvb-so-tu-phap';

describe('TokenService', () => {
  let dir: string;
  let registry: Registry;
  let service: TokenService;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'token-service-'));
    registry = new Registry(await smallConfig());
    // The service reads only the token lifetime from the gateway's configuration.
    const config = { TOKEN_TTL_SECONDS: 60 } as GatewayConfig;
    service = new TokenService(registry, await loadOrCreateSigningKeys(join(dir, 'key.jwk.json')), config);
  });
  afterEach(() => {
    jest.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });

  const codeOf = (p: Promise<unknown>) => p.then(() => 'accepted', (e: unknown) => (e instanceof GatewayError ? e.code : String(e)));

  it('accepts a token again and again while it lives, then refuses it as expired even though it was accepted before', async () => {
    jest.useFakeTimers({ now: Date.now(), doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    const { access_token } = await service.issue(CLIENT, SECRETS[CLIENT]);
    await expect(service.verify(access_token)).resolves.toMatchObject({ clientId: CLIENT });
    await expect(service.verify(access_token)).resolves.toMatchObject({ clientId: CLIENT });
    jest.setSystemTime(Date.now() + 61_000);
    expect(await codeOf(service.verify(access_token))).toBe('TOKEN_EXPIRED');
    expect(await codeOf(service.verify(access_token))).toBe('TOKEN_EXPIRED');
  });

  it('locks a revoked client out at once, even with a token accepted a moment ago', async () => {
    const { access_token } = await service.issue(CLIENT, SECRETS[CLIENT]);
    await service.verify(access_token);
    registry.revokeClient('admin', CLIENT);
    expect(await codeOf(service.verify(access_token))).toBe('CLIENT_DISABLED');
  });

  it('never takes a token for an accepted one it merely resembles', async () => {
    const { access_token } = await service.issue(CLIENT, SECRETS[CLIENT]);
    await service.verify(access_token);
    const [header, payload, signature] = access_token.split('.');
    const otherClaims = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'h56-admin' })).toString('base64url');
    expect(await codeOf(service.verify(`${header}.${otherClaims}.${signature}`))).toBe('TOKEN_INVALID');
    // One bit of the signature flipped (in its bytes: the last base64url character also has bits no byte uses).
    const flipped = Buffer.from(signature, 'base64url');
    flipped[10] ^= 0x01;
    expect(await codeOf(service.verify(`${header}.${payload}.${flipped.toString('base64url')}`))).toBe('TOKEN_INVALID');
  });
});
