import type { PolicyDocument } from 'aws-lambda';
import { SamlGuardError } from './core.js';

/** An execute-api ARN split at the stage: `<prefix>/<stage>/<route>`. */
export interface ApiArn {
  /** `arn:<partition>:execute-api:<region>:<account>:<api-id>` */
  prefix: string;
  stage: string;
  /** What follows the stage: `GET/orders/42` (REST methodArn, HTTP API routeArn) or `$default`. */
  route: string;
  arn: string;
}

const EXECUTE_API_ARN = /^(arn:aws[a-z-]*:execute-api:[a-z0-9-]+:\d{12}:[A-Za-z0-9]+)\/([^/]+)\/(.+)$/;

export function parseApiArn(arn: string): ApiArn | undefined {
  const m = EXECUTE_API_ARN.exec(arn);
  return m === null ? undefined : { prefix: m[1]!, stage: m[2]!, route: m[3]!, arn };
}

/**
 * Every route of the stage. API Gateway caches a policy per credential and applies it to later calls on
 * other routes, so a policy naming only the current method would wrongly deny them. `*` spans `/` in IAM
 * resource matching, so `*\/*` covers every method and path; an HTTP API `$default` routeArn has no
 * method/path part, hence the plain `*` there.
 */
export function wholeStage(arn: ApiArn): string {
  return `${arn.prefix}/${arn.stage}/${arn.route.includes('/') ? '*/*' : '*'}`;
}

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

export type Effect = 'Allow' | 'Deny';

export function policyDocument(statements: ReadonlyArray<{ effect: Effect; resources: readonly string[] }>): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: statements.map((s) => ({ Action: 'execute-api:Invoke', Effect: s.effect, Resource: [...s.resources] })),
  };
}
