/*
 * The Web-standard door: a guard over WHATWG `Request`/`Response`, so it runs as-is in Hono, Cloudflare
 * Workers, Deno, Bun and Node ≥ 20. Same credentials, decisions, routes and `onDecision` as the API
 * Gateway authorizer (the shared decision code in ../shared); only reading the request and shaping the
 * answer differ.
 */
import type { ErrorCode } from '../../errors.js';
import type { VerifiedToken } from '../../token/verifier.js';
import type { Clock, VerifiedAssertion } from '../../types.js';
import { cookieValue, parseAuthorization, type Credential, type CredentialSource } from '../shared/credential.js';
import { identifyAndMap, readDeciders, reportDecision, traceAuthorize, type AuthorizerDecision, type DecisionBase, type DoorOptions } from '../shared/decide.js';
import { compileRoutes, resourceMatches, routesOf } from '../shared/routes.js';
import { ERROR_CODES, SamlGuardError } from './core.js';

/** Options of {@link createRequestGuard}: the same as every door's; validated at creation (CONFIG_INVALID). */
export type RequestGuardOptions = DoorOptions;

export type RequestGuardResult =
  | { readonly allowed: true; readonly identity: VerifiedAssertion | VerifiedToken; readonly roles: readonly string[]; readonly credential: 'SAML' | 'Bearer' }
  | { readonly allowed: false; readonly response: Response };

export type RequestGuard = (request: Request) => Promise<RequestGuardResult>;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const OPTION_KEYS = new Set(['verifier', 'tokens', 'roles', 'routes', 'header', 'cookie', 'scheme', 'bearerScheme', 'now', 'onDecision', 'tracer']);

function invalid(message: string): SamlGuardError {
  return new SamlGuardError('CONFIG_INVALID', `createRequestGuard: ${message}`);
}

function optionalToken(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !TOKEN.test(value)) throw invalid(`${name} must be a header/cookie/scheme token such as "Authorization".`);
  return value;
}

function toMs(clock: Clock): number {
  const v = typeof clock === 'function' ? clock() : clock;
  const ms = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : v;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new Error('createRequestGuard: now gave an invalid time.');
  return ms;
}

function json(status: number, code: ErrorCode, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: code, message: ERROR_CODES[code] }), { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...extra } });
}

/** Create the guard once, outside the request handler. */
export function createRequestGuard(options: RequestGuardOptions): RequestGuard {
  if (options === null || typeof options !== 'object') throw invalid('options are required: { verifier and/or tokens, roles }.');
  const unknownKeys = Object.keys(options).filter((k) => !OPTION_KEYS.has(k));
  if (unknownKeys.length > 0) throw invalid(`unknown option ${JSON.stringify(unknownKeys[0])} (allowed: ${[...OPTION_KEYS].join(', ')}).`);
  const deciders = readDeciders(options, invalid);
  const routes = compileRoutes(options.routes, 'createRequestGuard');
  const cookie = optionalToken(options.cookie, 'cookie');
  const header = optionalToken(options.header, 'header');
  if (cookie !== undefined && header !== undefined) throw invalid('give header or cookie, not both: the credential has one place.');
  const scheme = options.scheme === null ? undefined : (optionalToken(options.scheme, 'scheme') ?? 'SAML');
  const bearer = deciders.tokens === undefined ? undefined : (optionalToken(options.bearerScheme, 'bearerScheme') ?? 'Bearer');
  if (bearer !== undefined && scheme !== undefined && bearer.toLowerCase() === scheme.toLowerCase()) throw invalid('scheme and bearerScheme must differ.');
  const source: CredentialSource = { header: cookie === undefined ? (header ?? 'Authorization').toLowerCase() : undefined, cookie, scheme, bearer, saml: deciders.verifier !== undefined };
  const clock = options.now ?? undefined;
  const onDecision = options.onDecision ?? undefined;
  if (onDecision !== undefined && typeof onDecision !== 'function') throw invalid('onDecision must be a function.');
  const challenge = bearer !== undefined ? `${bearer} realm="samlguard"` : `${scheme ?? 'SAML'} realm="samlguard"`;

  function credentialOf(request: Request): Credential {
    if (source.cookie !== undefined) {
      const pairs = (request.headers.get('cookie') ?? '').split(';').map((p) => p.trim()).filter((p) => p !== '');
      return cookieValue(pairs, source);
    }
    // Headers joins a repeated header with ", ": the parser refuses that shape, so two credentials are never one.
    return parseAuthorization(request.headers.get(source.header!) ?? undefined, source, `the ${source.header} header`);
  }

  async function decide(request: Request, record?: { decision?: AuthorizerDecision }): Promise<RequestGuardResult> {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const now = clock === undefined ? Date.now() : toMs(clock);
    const base: DecisionBase = { at: new Date(now).toISOString(), event: 'FETCH', resource: `${method} ${url.pathname}` };
    const requestId = request.headers.get('x-request-id');
    if (requestId !== null && requestId.length <= 200) base.requestId = requestId;
    const report = (d: AuthorizerDecision) => reportDecision(onDecision, record, d);

    const outcome = await identifyAndMap(deciders, () => credentialOf(request), now, clock === undefined ? undefined : { now }, base, report);
    if (outcome.kind === 'unauthorized') return { allowed: false, response: json(401, outcome.code, { 'www-authenticate': challenge }) };
    if (outcome.kind === 'deny') return { allowed: false, response: json(403, outcome.code) };
    const { identity, credential, principalId, roles, expiresAt } = outcome;
    if (routes !== undefined) {
      const asked = `${method}/${url.pathname.slice(1)}`;
      const permitted = routesOf(routes, roles).some((r) => r === '$default' || resourceMatches(r, asked));
      if (!permitted) {
        await report({ ...base, effect: 'deny', code: 'ROUTE_NOT_PERMITTED', message: `The roles ${roles.join(', ')} do not permit ${method} ${url.pathname}.`, principalId, roles, credential, identity });
        return { allowed: false, response: json(403, 'ROUTE_NOT_PERMITTED') };
      }
    }
    if (!(await report({ ...base, effect: 'allow', principalId, roles, expiresAt, credential, identity }))) {
      throw new Error('samlguard request guard: onDecision failed on an allow decision; refusing the request.');
    }
    return { allowed: true, identity, roles, credential };
  }

  const tracer = deciders.tracer;
  if (tracer === undefined) return (request: Request) => decide(request);
  return (request: Request) => traceAuthorize(tracer, (record) => decide(request, record), () => false);
}
