// Route permissions per role (`GET /orders/*`, `ANY /admin/*`, `$default`), compiled once and matched the
// same way by every door: as the `METHOD/path` part of an execute-api ARN, with IAM's `*` wildcard.
import { isRoleName, SamlGuardError } from './core.js';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY', '*']);
// Path characters of an execute-api resource ARN, plus `*` as the wildcard. `?` (IAM's one-character
// wildcard) and `{param}` templates are not accepted: requests are matched on their concrete path.
const ROUTE_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

/**
 * A route permission (`GET /orders/*`, `ANY /admin/*`, `* /health`, or `$default`) as the part of an
 * execute-api ARN after the stage. Throws CONFIG_INVALID with the reason.
 */
export function compileRoute(route: string, where: string): string {
  if (route === '$default') return route;
  const m = /^(\S+) (\S+)$/.exec(route);
  if (m === null || !METHODS.has(m[1]!)) throw new SamlGuardError('CONFIG_INVALID', `${where}: ${JSON.stringify(route)} is not "METHOD /path" (METHOD one of ${[...METHODS].join(', ')}) or "$default".`);
  const path = m[2]!;
  if (/[{}]/.test(path)) throw new SamlGuardError('CONFIG_INVALID', `${where}: ${JSON.stringify(route)} uses a {parameter}; write * instead (requests are matched on their actual path).`);
  if (!ROUTE_PATH.test(path)) throw new SamlGuardError('CONFIG_INVALID', `${where}: ${JSON.stringify(route)} has a path that does not start with "/" or has characters an execute-api ARN cannot hold.`);
  const method = m[1] === 'ANY' ? '*' : m[1]!;
  return `${method}/${path.slice(1)}`;
}

/** `routes` option → role → compiled routes; undefined when not configured (any role allows everything). */
export function compileRoutes(value: unknown, factory: string): ReadonlyMap<string, readonly string[]> | undefined {
  const invalid = (message: string) => new SamlGuardError('CONFIG_INVALID', `${factory}: ${message}`);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid("routes must be an object such as { developer: ['GET /orders/*'] }.");
  const out = new Map<string, readonly string[]>();
  for (const [role, list] of Object.entries(value)) {
    if (!isRoleName(role)) throw invalid(`routes: ${JSON.stringify(role)} is not a role name (1-128 characters, no comma, whitespace or control character).`);
    if (!Array.isArray(list)) throw invalid(`routes.${role} must be an array of routes such as 'GET /orders/*'.`);
    out.set(
      role,
      list.map((r: unknown, i) => {
        if (typeof r !== 'string') throw invalid(`routes.${role}[${i}] must be a string.`);
        return compileRoute(r, `${factory}: routes.${role}[${i}]`);
      }),
    );
  }
  return out;
}

/** The compiled routes a set of roles permits, sorted and de-duplicated. */
export function routesOf(routes: ReadonlyMap<string, readonly string[]>, roles: readonly string[]): string[] {
  const set = new Set<string>();
  for (const role of roles) for (const r of routes.get(role) ?? []) set.add(r);
  return [...set].sort();
}

/** IAM resource matching with `*` only (any run of characters, `/` included), in linear time. */
export function resourceMatches(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let starV = 0;
  while (v < value.length) {
    if (pattern[p] === '*') {
      star = p++;
      starV = v;
    } else if (p < pattern.length && pattern[p] === value[v]) {
      p++;
      v++;
    } else if (star >= 0) {
      p = star + 1;
      v = ++starV;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}
