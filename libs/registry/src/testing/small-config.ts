import type { PlatformConfig } from '../platform-config';
import { hashSecret } from '../secrets';

export const SECRETS = {
  'h56-qlvb-so-tu-phap': 'tu-phap-secret',
  'h56-motcua-bim-son': 'bim-son-secret',
  'h56-disabled': 'disabled-secret',
  'h56-admin': 'admin-secret',
} as const;

/**
 * A small but complete configuration: a province, two departments, a district with a commune, four clients
 * (one disabled), three services and a few grants. Each call returns a fresh object that tests may break.
 */
export async function smallConfig(): Promise<PlatformConfig> {
  const hashes = Object.fromEntries(
    await Promise.all(Object.entries(SECRETS).map(async ([id, secret]) => [id, await hashSecret(secret)] as const)),
  ) as Record<keyof typeof SECRETS, string>;
  return {
    platform: { role: 'lgsp', code: '000.00.00.H56', name: 'LGSP Thanh Hóa', instance: 'lgsp-h56' },
    tiers: { bronze: { requestsPerMinute: 1000 }, silver: { requestsPerMinute: 2000 } },
    members: [
      { code: '000.00.00.H56', name: 'UBND tỉnh Thanh Hóa', kind: 'province' },
      { code: '000.00.02.H56', name: 'Sở Tư pháp', kind: 'department', parent: '000.00.00.H56' },
      { code: '000.00.14.H56', name: 'Sở Y tế', kind: 'department', parent: '000.00.00.H56' },
      { code: '000.00.23.H56', name: 'Thị xã Bỉm Sơn', kind: 'district', parent: '000.00.00.H56' },
      { code: '000.01.23.H56', name: 'Phường Ba Đình', kind: 'commune', parent: '000.00.23.H56' },
    ],
    clients: [
      client('h56-qlvb-so-tu-phap', '000.00.02.H56', hashes, ['document-systems']),
      client('h56-motcua-bim-son', '000.00.23.H56', hashes, ['one-stop-shops']),
      { ...client('h56-disabled', '000.00.14.H56', hashes, ['document-systems']), enabled: false },
      { ...client('h56-admin', '000.00.00.H56', hashes, []), roles: ['admin'] },
    ],
    services: [
      { code: 'ping', provider: '000.00.00.H56', name: 'Ping', kind: 'request-reply', bodyLogging: 'full', timeoutMs: 5000 },
      { code: 'document-exchange.documents', provider: '000.00.00.H56', name: 'Documents', kind: 'event', bodyLogging: 'metadata', timeoutMs: 10000 },
      { code: 'national.population', provider: '000.00.00.H56', name: 'Population', kind: 'request-reply', bodyLogging: 'none', timeoutMs: 10000 },
    ],
    grants: [
      { service: 'ping', client: 'h56-qlvb-so-tu-phap' },
      { service: 'document-exchange.documents', group: 'document-systems', paths: ['/documents'] },
      { service: 'national.population', group: 'one-stop-shops', methods: ['GET'] },
    ],
  };
}

function client(id: keyof typeof SECRETS, member: string, hashes: Record<keyof typeof SECRETS, string>, groups: string[]): PlatformConfig['clients'][number] {
  return { id, member, name: id, secretHash: hashes[id], tier: 'silver', roles: ['agency-system'], groups, enabled: true };
}
