import type { GrantConfig } from './platform-config';

export interface AccessRequest {
  clientId: string;
  groups: readonly string[];
  service: string;
  method: string;
  /** The path inside the service, e.g. `/documents/123`; a query string or fragment is ignored. */
  path: string;
}

/**
 * Deny by default: a request passes only if some grant names its service, names its client or one of its
 * groups, and (where the grant restricts them) its method and a path prefix.
 */
export function isAllowed(grants: readonly GrantConfig[], req: AccessRequest): boolean {
  const path = normalizeRequestPath(req.path);
  if (path === null) return false;
  const method = typeof req.method === 'string' ? req.method.toUpperCase() : '';
  return grants.some((grant) => grantMatches(grant, req, method, path));
}

function grantMatches(grant: GrantConfig, req: AccessRequest, method: string, path: string): boolean {
  if (grant.service !== req.service) return false;
  const grantee =
    grant.client !== undefined ? grant.client === req.clientId : grant.group !== undefined && req.groups.includes(grant.group);
  if (!grantee) return false;
  if (grant.methods !== undefined && !grant.methods.includes(method)) return false;
  if (grant.paths !== undefined && !grant.paths.some((prefix) => pathHasPrefix(path, prefix))) return false;
  return true;
}

/** `/documents` covers `/documents` and `/documents/…`, never `/documents-x`. */
export function pathHasPrefix(path: string, prefix: string): boolean {
  return prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);
}

/**
 * The canonical form a path is checked in: one leading slash, no empty or `.` segments, no trailing slash.
 * Returns null — and the request is denied — for a path a server behind the gateway might read differently
 * from how the grant was checked: `..` segments (plain or percent-encoded), encoded slashes, backslashes,
 * control characters, or broken percent-encoding.
 */
export function normalizeRequestPath(rawPath: string): string | null {
  if (typeof rawPath !== 'string') return null;
  const path = rawPath.replace(/[?#].*$/s, '');
  if (/[\\\u0000-\u001f\u007f]/.test(path) || /%(2f|5c|00)/i.test(path)) return null;
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return null;
    }
    if (decoded === '..') return null;
    if (segment === '' || decoded === '.') continue;
    segments.push(segment);
  }
  return `/${segments.join('/')}`;
}
