import { isAllowed, normalizeRequestPath, type AccessRequest } from './access-control';
import type { GrantConfig } from './platform-config';

const request = (overrides: Partial<AccessRequest> = {}): AccessRequest => ({
  clientId: 'h56-qlvb-so-tu-phap',
  groups: ['document-systems'],
  service: 'document-exchange.documents',
  method: 'POST',
  path: '/documents',
  ...overrides,
});

describe('isAllowed', () => {
  it('denies when nothing grants anything', () => {
    expect(isAllowed([], request())).toBe(false);
  });

  it('allows a client named by a grant, and only for that service', () => {
    const grants: GrantConfig[] = [{ service: 'document-exchange.documents', client: 'h56-qlvb-so-tu-phap' }];
    expect(isAllowed(grants, request())).toBe(true);
    expect(isAllowed(grants, request({ clientId: 'h56-qlvb-so-y-te' }))).toBe(false);
    expect(isAllowed(grants, request({ service: 'case-tracking.cases' }))).toBe(false);
  });

  it('allows any member of a granted group, not clients outside it', () => {
    const grants: GrantConfig[] = [{ service: 'document-exchange.documents', group: 'document-systems' }];
    expect(isAllowed(grants, request({ clientId: 'anyone', groups: ['x', 'document-systems'] }))).toBe(true);
    expect(isAllowed(grants, request({ groups: ['one-stop-shops'] }))).toBe(false);
    expect(isAllowed(grants, request({ groups: [] }))).toBe(false);
  });

  it('restricts methods when the grant lists them, case-insensitively for the request', () => {
    const grants: GrantConfig[] = [{ service: 'national.population', group: 'one-stop-shops', methods: ['GET'] }];
    const lookup = request({ service: 'national.population', groups: ['one-stop-shops'], path: '/citizens/038090000001' });
    expect(isAllowed(grants, { ...lookup, method: 'GET' })).toBe(true);
    expect(isAllowed(grants, { ...lookup, method: 'get' })).toBe(true);
    expect(isAllowed(grants, { ...lookup, method: 'POST' })).toBe(false);
    expect(isAllowed(grants, { ...lookup, method: 'DELETE' })).toBe(false);
  });

  it('allows every method when the grant lists none', () => {
    const grants: GrantConfig[] = [{ service: 'document-exchange.documents', group: 'document-systems' }];
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) expect(isAllowed(grants, request({ method }))).toBe(true);
  });

  describe('path prefixes', () => {
    const grants: GrantConfig[] = [{ service: 'document-exchange.documents', group: 'document-systems', paths: ['/documents'] }];
    const allowed = (path: string) => isAllowed(grants, request({ path }));

    it.each(['/documents', '/documents/123', '/documents/123/status', '//documents//123', '/documents/./123', '/documents/', '/documents?page=2'])(
      'allows %s',
      (path) => expect(allowed(path)).toBe(true),
    );

    it.each([
      '/documents-x',
      '/documentsx/1',
      '/document',
      '/',
      '',
      '/inbox',
      '/documents/../inbox',
      '/documents/..',
      '/documents/%2e%2e/inbox',
      '/documents/%2E%2E',
      '/documents%2f..%2finbox',
      '/documents\\..\\inbox',
      '/documents/%zz',
      '/x/../documents',
    ])('denies %j', (path) => expect(allowed(path)).toBe(false));

    it('lets a grant list several prefixes', () => {
      const two: GrantConfig[] = [{ ...grants[0]!, paths: ['/documents', '/statuses'] }];
      expect(isAllowed(two, request({ path: '/statuses/9' }))).toBe(true);
      expect(isAllowed(two, request({ path: '/inbox' }))).toBe(false);
    });

    it('treats "/" as every path, yet still never allows ..', () => {
      const everything: GrantConfig[] = [{ ...grants[0]!, paths: ['/'] }];
      expect(isAllowed(everything, request({ path: '/anything/at/all' }))).toBe(true);
      expect(isAllowed(everything, request({ path: '/a/../b' }))).toBe(false);
    });
  });

  it('needs method and path to match the same grant', () => {
    const grants: GrantConfig[] = [
      { service: 'document-exchange.documents', group: 'document-systems', methods: ['GET'], paths: ['/documents'] },
      { service: 'document-exchange.documents', group: 'document-systems', methods: ['POST'], paths: ['/statuses'] },
    ];
    expect(isAllowed(grants, request({ method: 'GET', path: '/documents/1' }))).toBe(true);
    expect(isAllowed(grants, request({ method: 'POST', path: '/documents/1' }))).toBe(false);
    expect(isAllowed(grants, request({ method: 'POST', path: '/statuses' }))).toBe(true);
  });
});

describe('normalizeRequestPath', () => {
  it('collapses empty and dot segments and drops the query', () => {
    expect(normalizeRequestPath('documents//1/./x/?q=1')).toBe('/documents/1/x');
    expect(normalizeRequestPath('')).toBe('/');
  });

  it('refuses what a server behind the gateway could read as another path', () => {
    expect(normalizeRequestPath('/a/../b')).toBeNull();
    expect(normalizeRequestPath('/a/%2E%2e/b')).toBeNull();
    expect(normalizeRequestPath('/a%2Fb')).toBeNull();
    expect(normalizeRequestPath('/a%00')).toBeNull();
  });
});
