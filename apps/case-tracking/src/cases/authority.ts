import { Registry } from '@lgsp/registry';

/**
 * A one-stop-shop system acts for its own agency and every agency below it: a district's system enters the cases
 * of its communes; the province's system, everyone's.
 */
export function actsFor(registry: Registry, callerAgency: string, agency: string): boolean {
  for (let code: string | undefined = agency; code !== undefined; code = registry.member(code)?.parent) {
    if (code === callerAgency) return true;
  }
  return false;
}

/** The agency and every agency above it, nearest first (the units whose statistics include its cases). */
export function withAncestors(registry: Registry, agency: string): string[] {
  const chain: string[] = [];
  for (let code: string | undefined = agency; code !== undefined && !chain.includes(code); code = registry.member(code)?.parent) chain.push(code);
  return chain;
}
