/*
 * The sign-in routes as one Lambda proxy handler (REST payload 1.0 and HTTP API payload 2.0):
 *   GET  /saml/login              → the IdP (HTTP-Redirect: 303; HTTP-POST: an auto-submitting page)
 *   POST /saml/acs                → verify the IdP's POST, map roles, set the session token cookie, 303 to RelayState
 *   GET  /saml/metadata           → our SP metadata
 *   GET  /.well-known/jwks.json   → the token issuer's public keys
 *   GET|POST /saml/slo            → Single Logout from the IdP (when the SP has a logout handler)
 * Every refusal carries its code and fixed text only: no stack, no echo of the input.
 */
import type { ErrorCode } from '../../errors.js';
import type { RoleMapper, RoleRule } from '../../roles/mapper.js';
import type { ServiceProvider } from '../../sp/service-provider.js';
import type { TokenIssuer } from '../../token/issuer.js';
import { createRoleMapper, ERROR_CODES, isRoleName, isSamlGuardError, parseSamlPostBody, POST_FORM_CSP, postFormHtml, SamlGuardError } from './core.js';
import { errorReply, NO_STORE, readProxyEvent, toProxyResult, wantsJson, type ProxyRequest, type ProxyResult, type Reply } from './http.js';

/** Options of {@link createAcsHandler}; validated at creation (CONFIG_INVALID). */
export interface AcsHandlerOptions {
  /** The service provider from `createServiceProvider`. */
  sp: ServiceProvider;
  /** Issues the session token set as a cookie (and returned to JSON clients). */
  tokens: TokenIssuer;
  /** Role rules or a mapper: the token carries the roles decided here. Deny by default (403 without a role). */
  roles: readonly RoleRule[] | RoleMapper;
  /** Route paths. Defaults: /saml/login, /saml/acs, /saml/metadata, /.well-known/jwks.json, /saml/slo. */
  paths?: { login?: string; acs?: string; metadata?: string; jwks?: string; slo?: string } | null;
  /** The session cookie. Default name `samlguard_session`, Secure, HttpOnly, SameSite=Lax, Path=/. */
  cookie?: { name?: string; path?: string; domain?: string | null; secure?: boolean; sameSite?: 'Lax' | 'Strict' | 'None' } | null;
  /** Where to send the browser after sign-in when no RelayState came. Default '/'. */
  defaultRedirect?: string | null;
  /** Largest accepted request body, in bytes. Default 256 KiB (a SAMLResponse with an encrypted assertion fits easily). */
  maxBodyBytes?: number | null;
}

export type AcsHandler = (event: unknown) => Promise<ProxyResult>;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function invalid(message: string): SamlGuardError {
  return new SamlGuardError('CONFIG_INVALID', `createAcsHandler: ${message}`);
}

/** HTTP status for a refusal: what the client can do about it. */
export function statusOf(code: ErrorCode): number {
  switch (code) {
    case 'INPUT_MALFORMED':
    case 'RELAY_STATE_INVALID':
    case 'CREDENTIAL_MALFORMED':
    case 'CREDENTIAL_MISSING':
      return 400;
    case 'BODY_TOO_LARGE':
      return 413;
    case 'NO_ROLE':
    case 'ROUTE_NOT_PERMITTED':
    case 'GROUPS_OVERAGE':
    case 'CLAIM_INVALID':
      return 403;
    case 'REPLAY_STORE_UNAVAILABLE':
    case 'REVOCATION_STORE_UNAVAILABLE':
    case 'METADATA_UNAVAILABLE':
      return 503;
    default:
      return 401;
  }
}

function path(value: unknown, fallback: string, name: string): string {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !value.startsWith('/')) throw invalid(`paths.${name} must be a path starting with /.`);
  return value;
}

/** Create the sign-in handler once, outside the Lambda handler. */
export function createAcsHandler(options: AcsHandlerOptions): AcsHandler {
  if (options === null || typeof options !== 'object') throw invalid('options are required: { sp, tokens, roles }.');
  const { sp, tokens } = options;
  if (sp === null || typeof sp !== 'object' || typeof sp.acs !== 'function' || typeof sp.authnRequest !== 'function') throw invalid('sp must come from createServiceProvider.');
  if (tokens === null || typeof tokens !== 'object' || typeof tokens.issue !== 'function' || typeof tokens.jwks !== 'function') throw invalid('tokens must come from createTokenIssuer (samlguard/token).');
  const rolesOption = options.roles as unknown;
  let mapper: RoleMapper;
  if (Array.isArray(rolesOption)) mapper = createRoleMapper(rolesOption as RoleRule[]);
  else if (rolesOption !== null && typeof rolesOption === 'object' && typeof (rolesOption as RoleMapper).map === 'function') mapper = rolesOption as RoleMapper;
  else throw invalid('roles is required: role rules or a mapper (deny by default).');
  const p = options.paths ?? {};
  const paths = {
    login: path(p.login, '/saml/login', 'login'),
    acs: path(p.acs, '/saml/acs', 'acs'),
    metadata: path(p.metadata, '/saml/metadata', 'metadata'),
    jwks: path(p.jwks, '/.well-known/jwks.json', 'jwks'),
    slo: path(p.slo, '/saml/slo', 'slo'),
  };
  const c = options.cookie ?? {};
  const cookieName = c.name ?? 'samlguard_session';
  if (!TOKEN.test(cookieName)) throw invalid('cookie.name must be a cookie-name token.');
  const cookiePath = c.path ?? '/';
  if (!cookiePath.startsWith('/') || /[;\s]/.test(cookiePath)) throw invalid('cookie.path must be a path.');
  const cookieDomain = c.domain ?? undefined;
  if (cookieDomain !== undefined && !/^[A-Za-z0-9.-]+$/.test(cookieDomain)) throw invalid('cookie.domain must be a host name.');
  const secure = c.secure !== false;
  const sameSite = c.sameSite ?? 'Lax';
  if (!['Lax', 'Strict', 'None'].includes(sameSite)) throw invalid("cookie.sameSite must be 'Lax', 'Strict' or 'None'.");
  if (sameSite === 'None' && !secure) throw invalid('cookie.sameSite None requires secure.');
  const defaultRedirect = options.defaultRedirect ?? '/';
  const maxBodyBytes = options.maxBodyBytes ?? 256 * 1024;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0) throw invalid('maxBodyBytes must be a positive integer.');

  const cookieAttrs = `; Path=${cookiePath}${cookieDomain ? `; Domain=${cookieDomain}` : ''}${secure ? '; Secure' : ''}; HttpOnly; SameSite=${sameSite}`;

  const refuse = (req: ProxyRequest | undefined, err: unknown): Reply => {
    if (!isSamlGuardError(err)) throw err;
    return errorReply(req, statusOf(err.code), err.code, ERROR_CODES[err.code]);
  };

  async function login(req: ProxyRequest): Promise<Reply> {
    const relayState = req.query.get('RelayState') ?? req.query.get('relayState') ?? undefined;
    const binding = req.query.get('binding');
    const started = await sp.authnRequest({ ...(relayState !== undefined ? { relayState } : {}), ...(binding === 'post' || binding === 'redirect' ? { binding } : {}) });
    if (started.url !== undefined) return { status: 303, headers: { Location: started.url, 'Cache-Control': 'no-cache, no-store', Pragma: 'no-cache' } };
    return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': POST_FORM_CSP, ...NO_STORE }, body: postFormHtml(started.form) };
  }

  async function acs(req: ProxyRequest): Promise<Reply> {
    const form = parseSamlPostBody(req.body);
    const { identity, relayState } = await sp.acs(form);
    const mapped: unknown = mapper.map(identity);
    if (!Array.isArray(mapped) || !mapped.every(isRoleName)) throw new Error('The role mapper returned something other than an array of role names.');
    if (mapped.length === 0) throw new SamlGuardError('NO_ROLE', 'No role rule matched this identity.');
    const issued = await tokens.issue(identity, { roles: mapped });
    // On the issuer's clock, like the token itself.
    const maxAge = Math.max(0, issued.claims.exp - issued.claims.iat);
    const cookie = `${cookieName}=${issued.token}; Max-Age=${maxAge}${cookieAttrs}`;
    if (wantsJson(req)) {
      return {
        status: 200,
        headers: { 'Content-Type': 'application/json', ...NO_STORE },
        cookies: [cookie],
        body: JSON.stringify({ access_token: issued.token, token_type: 'Bearer', expires_in: maxAge, ...(relayState !== undefined ? { relay_state: relayState } : {}) }),
      };
    }
    return { status: 303, headers: { Location: relayState ?? defaultRedirect, ...NO_STORE }, cookies: [cookie] };
  }

  async function handle(event: unknown): Promise<ProxyResult> {
    let req: ProxyRequest | undefined;
    try {
      req = readProxyEvent(event, maxBodyBytes);
      const route = `${req.method} ${req.path}`;
      let reply: Reply;
      if (route === `GET ${paths.login}`) reply = await login(req);
      else if (route === `POST ${paths.acs}`) reply = await acs(req);
      else if (route === `GET ${paths.metadata}`) reply = { status: 200, headers: { 'Content-Type': 'application/samlmetadata+xml', 'Cache-Control': 'max-age=3600' }, body: sp.metadata() };
      else if (route === `GET ${paths.jwks}`) reply = { status: 200, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'max-age=60', 'Access-Control-Allow-Origin': '*' }, body: JSON.stringify(tokens.jwks()) };
      else if (req.path === paths.slo && (req.method === 'GET' || req.method === 'POST') && typeof sp.logout === 'function') reply = await slo(req);
      else reply = { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'Not found' };
      return toProxyResult(req, reply);
    } catch (err) {
      return toProxyResult(req, refuse(req, err));
    }
  }

  async function slo(req: ProxyRequest): Promise<Reply> {
    const form = req.method === 'POST' ? Object.fromEntries(new URLSearchParams(req.body.toString('utf8'))) : undefined;
    const result = await sp.logout!(req.method === 'GET' ? { binding: 'redirect', rawQuery: req.rawQuery } : { binding: 'post', form: form! });
    const clear = `${cookieName}=; Max-Age=0${cookieAttrs}`;
    if (result.response.url !== undefined) return { status: 303, headers: { Location: result.response.url, ...NO_STORE }, cookies: [clear] };
    return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': POST_FORM_CSP, ...NO_STORE }, cookies: [clear], body: postFormHtml(result.response.form!) };
  }

  return handle;
}
