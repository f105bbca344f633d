import { platformTopics } from '@lgsp/contracts';
import type { MessagingConnection } from '@lgsp/messaging';
import { Registry } from '@lgsp/registry';
import { smallConfig } from '../../../../libs/registry/src/testing/small-config';
import type { GatewayConfig } from '../config/gateway-config';
import { PingProvider } from './ping.provider';

/** A connection that fails loudly on any use: the provider must not touch Kafka when it is switched off. */
const untouchable = new Proxy({} as MessagingConnection, {
  get: (_target, property) => {
    throw new Error(`the Kafka connection was used (${String(property)})`);
  },
});

describe('PingProvider', () => {
  it('serves nothing, and does not touch Kafka, when GATEWAY_PING_PROVIDER is off', async () => {
    const registry = new Registry(await smallConfig());
    const provider = new PingProvider(untouchable, platformTopics('lgsp-h56'), registry, { GATEWAY_PING_PROVIDER: 'off' } as GatewayConfig);
    await expect(provider.onApplicationBootstrap()).resolves.toBeUndefined();
    await expect(provider.onApplicationShutdown()).resolves.toBeUndefined();
  });

  it('starts serving ping when it is on (the default)', async () => {
    const registry = new Registry(await smallConfig());
    const provider = new PingProvider(untouchable, platformTopics('lgsp-h56'), registry, { GATEWAY_PING_PROVIDER: 'on' } as GatewayConfig);
    // Building its responder is the first use of the connection, which this fake refuses.
    await expect(provider.onApplicationBootstrap()).rejects.toThrow();
  });
});
