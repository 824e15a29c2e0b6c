/*
 * The OAuth 2.0 token endpoint for the SAML 2.0 bearer grant (RFC 7522) as a Lambda proxy handler:
 * POST grant_type=urn:ietf:params:oauth:grant-type:saml2-bearer&assertion=<base64url Assertion> →
 * 200 {"access_token","token_type":"Bearer","expires_in"} (RFC 6749 §5.1), or 400 with an RFC 6749 §5.2
 * error whose description carries the samlguard code and fixed ASCII text (never the verifier's message).
 */
import type { ErrorCode } from '../../errors.js';
import type { RoleMapper, RoleRule } from '../../roles/mapper.js';
import type { ReplayStore } from '../../stores/types.js';
import type { TokenIssuer } from '../../token/issuer.js';
import type { Verifier } from '../../verifier.js';
import { createMemoryReplayStore, createRoleMapper, ERROR_CODES, isRoleName, isSamlGuardError, SamlGuardError } from './core.js';
import { NO_STORE, readProxyEvent, toProxyResult, type ProxyRequest, type ProxyResult, type Reply } from './http.js';

export const SAML2_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:saml2-bearer';

/** Options of {@link createTokenHandler}; validated at creation (CONFIG_INVALID). */
export interface TokenHandlerOptions {
  /**
   * Verifies the presented assertion. RFC 7522 §3: configure its `audience` as your token endpoint URL (or
   * the token issuer's identifier) and its `recipient` as the token endpoint URL.
   */
  verifier: Verifier;
  tokenIssuer: TokenIssuer;
  roles: readonly RoleRule[] | RoleMapper;
  /** Each assertion is exchanged once (RFC 7522 §3 item 8): its ID is remembered here until it expires. Default: in memory. */
  replayStore?: ReplayStore | null;
  /** Largest accepted body, in bytes. Default 128 KiB. */
  maxBodyBytes?: number | null;
}

export type TokenHandler = (event: unknown) => Promise<ProxyResult>;

type OAuthError = 'invalid_request' | 'invalid_grant' | 'unsupported_grant_type';

// RFC 6749 §5.2: error_description is %x20-21 / %x23-5B / %x5D-7E only.
const asciiDescription = (s: string): string => s.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, ' ');

function oauthError(status: number, error: OAuthError, description: string): Reply {
  return { status, headers: { 'Content-Type': 'application/json', ...NO_STORE }, body: JSON.stringify({ error, error_description: asciiDescription(description) }) };
}

function invalid(message: string): SamlGuardError {
  return new SamlGuardError('CONFIG_INVALID', `createTokenHandler: ${message}`);
}

/** The assertion parameter: base64url without padding (RFC 7522 §2.1), or standard base64 (a whole Response, as an ACS gets it). */
function decodeAssertion(value: string): string | undefined {
  const v = value.trim();
  if (/^[A-Za-z0-9_-]+={0,2}$/.test(v) && !v.includes('=') && /[-_]/.test(v)) return Buffer.from(v, 'base64url').toString('utf8');
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(v) && v.length % 4 === 0) return Buffer.from(v, 'base64').toString('utf8');
  if (/^[A-Za-z0-9_-]+$/.test(v)) return Buffer.from(v, 'base64url').toString('utf8');
  return undefined;
}

/** Create the token endpoint once, outside the Lambda handler. */
export function createTokenHandler(options: TokenHandlerOptions): TokenHandler {
  if (options === null || typeof options !== 'object') throw invalid('options are required: { verifier, tokenIssuer, roles }.');
  const { verifier, tokenIssuer } = options;
  if (verifier === null || typeof verifier !== 'object' || typeof verifier.verify !== 'function') throw invalid('verifier must come from createVerifier.');
  if (tokenIssuer === null || typeof tokenIssuer !== 'object' || typeof tokenIssuer.issue !== 'function') throw invalid('tokenIssuer must come from createTokenIssuer.');
  const rolesOption = options.roles as unknown;
  let mapper: RoleMapper;
  if (Array.isArray(rolesOption)) mapper = createRoleMapper(rolesOption as RoleRule[]);
  else if (rolesOption !== null && typeof rolesOption === 'object' && typeof (rolesOption as RoleMapper).map === 'function') mapper = rolesOption as RoleMapper;
  else throw invalid('roles is required: role rules or a mapper (deny by default).');
  const replayStore = options.replayStore ?? createMemoryReplayStore();
  if (typeof replayStore.consume !== 'function') throw invalid('replayStore must be a replay store (consume).');
  const maxBodyBytes = options.maxBodyBytes ?? 128 * 1024;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0) throw invalid('maxBodyBytes must be a positive integer.');

  async function exchange(req: ProxyRequest): Promise<Reply> {
    if (req.method !== 'POST') return { ...oauthError(405, 'invalid_request', 'The token endpoint accepts POST only (RFC 6749 section 3.2).'), headers: { Allow: 'POST', 'Content-Type': 'application/json', ...NO_STORE } };
    const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') return oauthError(400, 'invalid_request', 'The body must be application/x-www-form-urlencoded.');
    const params = new URLSearchParams(req.body.toString('utf8'));
    for (const name of new Set(params.keys())) {
      if (params.getAll(name).length > 1) return oauthError(400, 'invalid_request', `The parameter ${name.replace(/[^A-Za-z0-9_]/g, '')} is repeated.`);
    }
    const grantType = params.get('grant_type') ?? '';
    if (grantType === '') return oauthError(400, 'invalid_request', 'grant_type is missing.');
    if (grantType !== SAML2_BEARER_GRANT) return oauthError(400, 'unsupported_grant_type', `Only ${SAML2_BEARER_GRANT} is supported.`);
    const assertion = params.get('assertion') ?? '';
    if (assertion === '') return oauthError(400, 'invalid_request', 'assertion is missing.');
    const xml = decodeAssertion(assertion);
    if (xml === undefined) return oauthError(400, 'invalid_grant', 'INPUT_MALFORMED: the assertion is not base64url (RFC 7522 section 2.1).');
    try {
      const identity = await verifier.verify(xml);
      // Single use (RFC 7522 §3 item 8), remembered until the assertion expires.
      let first: boolean;
      try {
        // Kept on the store's own clock for the assertion's whole lifetime (plus skew): an upper bound on
        // how long it could still verify, whatever clock the verifier was given.
        const lifetimeMs = Math.max(0, identity.expiresAt.getTime() - identity.issueInstant.getTime());
        first = await replayStore.consume(`rfc7522:${identity.issuer.length}:${identity.issuer}:${identity.id}`, new Date(Date.now() + lifetimeMs + 60_000));
      } catch (cause) {
        throw new SamlGuardError('REPLAY_STORE_UNAVAILABLE', 'The replay store failed.', { cause });
      }
      if (!first) throw new SamlGuardError('REPLAYED', 'The assertion was already exchanged.');
      const mapped: unknown = mapper.map(identity);
      if (!Array.isArray(mapped) || !mapped.every(isRoleName)) throw new Error('The role mapper returned something other than an array of role names.');
      if (mapped.length === 0) throw new SamlGuardError('NO_ROLE', 'No role rule matched this identity.');
      const issued = await tokenIssuer.issue(identity, { roles: mapped });
      const expiresIn = Math.max(0, issued.claims.exp - issued.claims.iat);
      return { status: 200, headers: { 'Content-Type': 'application/json', ...NO_STORE }, body: JSON.stringify({ access_token: issued.token, token_type: 'Bearer', expires_in: expiresIn }) };
    } catch (err) {
      if (!isSamlGuardError(err)) throw err;
      const code: ErrorCode = err.code;
      if (code === 'REPLAY_STORE_UNAVAILABLE' || code === 'REVOCATION_STORE_UNAVAILABLE') {
        return { status: 503, headers: { 'Content-Type': 'application/json', ...NO_STORE, 'Retry-After': '5' }, body: JSON.stringify({ error: 'temporarily_unavailable', error_description: asciiDescription(`${code}: ${ERROR_CODES[code]}`) }) };
      }
      return oauthError(400, 'invalid_grant', `${code}: ${ERROR_CODES[code]}`);
    }
  }

  return async function handle(event: unknown): Promise<ProxyResult> {
    let req: ProxyRequest | undefined;
    try {
      req = readProxyEvent(event, maxBodyBytes);
      return toProxyResult(req, await exchange(req));
    } catch (err) {
      if (!isSamlGuardError(err)) throw err;
      const status = err.code === 'BODY_TOO_LARGE' ? 413 : 400;
      return toProxyResult(req, oauthError(status, 'invalid_request', `${err.code}: ${ERROR_CODES[err.code]}`));
    }
  };
}
