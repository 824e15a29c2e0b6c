/*
 * Verifying samlguard's own access tokens, locally: the JWK Set is configured (imported once), never
 * fetched at request time. Every header and claim rule is explicit: `alg` from an allow-list and equal to
 * the key's own, a known `kid`, `typ` at+jwt, exact `iss` and `aud`, `exp`/`nbf` with skew, then the
 * revocation store.
 */
import type { JsonWebKey } from 'node:crypto';
import type { CryptoKey } from 'jose';
import { SamlGuardError, quote, type ErrorCode } from '../errors.js';
import { checkClock, invalid, nonEmptyString, optionalSeconds, readClock } from '../config/values.js';
import type { RevocationStore } from '../stores/types.js';
import type { Clock } from '../types.js';
import { checkPublicJwk, isTokenAlgorithm, TOKEN_ALGORITHMS, type TokenAlgorithm } from './keys.js';
import { TOKEN_TYPE, type TokenClaims } from './issuer.js';
import { loadJose } from './jose.js';

/** Options of {@link createTokenVerifier}; validated at creation (CONFIG_INVALID). */
export interface TokenVerifierOptions {
  /** The expected `iss`, exactly. */
  issuer: string;
  /** The expected `aud` (one of these), exactly. */
  audience: string | readonly string[];
  /** The issuer's public JWK Set (`tokenIssuer.jwks()`), as an object or JSON text. Every key needs kid and alg. */
  jwks: { keys: readonly JsonWebKey[] } | string;
  /** Algorithms accepted. Default all of ES256, EdDSA, RS256 that the JWK Set uses. */
  algorithms?: readonly TokenAlgorithm[] | null;
  /** Tolerated clock difference for exp/nbf/iat, in seconds. Default 60 (as the SAML verifier). */
  clockSkewSeconds?: number | null;
  /** Checked on every verification: revoked tokens, sessions (sid) and users (sub). */
  revocation?: RevocationStore | null;
  /** Remember a "not revoked" answer this long, per token (0 = ask the store every time). Default 0. */
  revocationCacheSeconds?: number | null;
  /** The current time. Default the system clock. */
  now?: Clock | null;
}

/** A verified samlguard access token, as the authorizer and the request guard see it. */
export interface VerifiedToken {
  readonly kind: 'bearer';
  /** `jti`. */
  readonly id: string;
  /** The IdP entityID the user signed in with (`idp`). */
  readonly issuer: string;
  /** The token issuer (`iss`). */
  readonly tokenIssuer: string;
  readonly subject: { readonly nameId: string; readonly format?: string };
  readonly roles: readonly string[];
  readonly groups: readonly string[];
  /** Configured attribute claims and groups, as attribute lists. */
  readonly attributes: Readonly<Record<string, readonly string[]>>;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  /** The IdP SessionIndex (`sid`). */
  readonly sessionIndex?: string;
  readonly authnInstant?: Date;
  /** Every claim, as signed. */
  readonly claims: Readonly<TokenClaims>;
}

export interface TokenVerifier {
  verify(token: string, options?: { now?: Clock }): Promise<VerifiedToken>;
}

const MAX_TOKEN_CHARS = 8192;
const COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function tokenError(code: ErrorCode, message: string, details?: Record<string, unknown>): SamlGuardError {
  return new SamlGuardError(code, message, { path: 'token', details });
}

interface PublicKeyEntry {
  alg: TokenAlgorithm;
  jwk: JsonWebKey;
  /** The key imported for WebCrypto once, on first use (jose would otherwise convert it on every call). */
  crypto?: Promise<CryptoKey>;
}

/** Create a token verifier once, outside the handler. */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  if (options === null || typeof options !== 'object') throw invalid('createTokenVerifier: options are required: { issuer, audience, jwks }.');
  const issuer = nonEmptyString(options.issuer, 'createTokenVerifier: issuer');
  const audiences = typeof options.audience === 'string' ? [options.audience] : Array.isArray(options.audience) ? [...options.audience] : [];
  if (audiences.length === 0 || !audiences.every((a) => typeof a === 'string' && a !== '')) throw invalid('createTokenVerifier: audience must be a non-empty string or list of them.');
  let set: unknown = options.jwks;
  if (typeof set === 'string') {
    try {
      set = JSON.parse(set);
    } catch (cause) {
      throw new SamlGuardError('CONFIG_INVALID', 'createTokenVerifier: jwks is not JSON.', { cause });
    }
  }
  const list = set !== null && typeof set === 'object' ? (set as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(list) || list.length === 0) throw invalid('createTokenVerifier: jwks must be a JWK Set { keys: [...] } with at least one key.');
  const allowed = new Set<TokenAlgorithm>(options.algorithms ?? TOKEN_ALGORITHMS);
  for (const a of allowed) if (!isTokenAlgorithm(a)) throw invalid(`createTokenVerifier: algorithms may only name ${TOKEN_ALGORITHMS.join(', ')} (got ${quote(String(a))}).`);
  const keys = new Map<string, PublicKeyEntry>();
  list.forEach((jwk: JsonWebKey & { kid?: unknown; alg?: unknown; use?: unknown }, i) => {
    const where = `createTokenVerifier: jwks.keys[${i}]`;
    if (jwk === null || typeof jwk !== 'object') throw invalid(`${where} is not a JWK.`);
    if (typeof jwk.kid !== 'string' || jwk.kid === '') throw invalid(`${where} has no kid; every key must have one.`);
    if (!isTokenAlgorithm(jwk.alg)) throw invalid(`${where} (kid ${quote(jwk.kid)}) must name its alg, one of ${TOKEN_ALGORITHMS.join(', ')}.`);
    if (jwk.use !== undefined && jwk.use !== 'sig') throw invalid(`${where} (kid ${quote(jwk.kid)}) is not a signing key (use ${quote(String(jwk.use))}).`);
    if (keys.has(jwk.kid)) throw invalid(`${where}: kid ${quote(jwk.kid)} appears twice.`);
    // Imported here only to refuse, at configuration time, a key unfit for its algorithm.
    checkPublicJwk(jwk, jwk.alg, where);
    if (allowed.has(jwk.alg)) keys.set(jwk.kid, { alg: jwk.alg, jwk: { ...jwk } });
  });
  if (keys.size === 0) throw invalid('createTokenVerifier: no key of the JWK Set uses an allowed algorithm.');
  const skewSeconds = optionalSeconds(options.clockSkewSeconds, 'createTokenVerifier: clockSkewSeconds', 60)!;
  const clock = checkClock(options.now, 'createTokenVerifier: now');
  const revocation = options.revocation ?? undefined;
  if (revocation !== undefined && (typeof revocation.isRevoked !== 'function' || typeof revocation.revoke !== 'function')) throw invalid('createTokenVerifier: revocation must be a revocation store (revoke/isRevoked).');
  const revocationCacheMs = (optionalSeconds(options.revocationCacheSeconds, 'createTokenVerifier: revocationCacheSeconds', 0) ?? 0) * 1000;
  const notRevokedUntil = new Map<string, number>();
  void loadJose().catch(() => undefined);

  async function checkRevocation(claims: TokenClaims, now: number): Promise<void> {
    if (revocation === undefined) return;
    if (revocationCacheMs > 0) {
      const until = notRevokedUntil.get(claims.jti);
      if (until !== undefined && until > now) return;
    }
    let revoked: boolean;
    try {
      revoked = await revocation.isRevoked({ sub: claims.sub, jti: claims.jti, iat: claims.iat, ...(claims.sid !== undefined ? { sid: claims.sid } : {}) });
    } catch (cause) {
      throw new SamlGuardError('REVOCATION_STORE_UNAVAILABLE', 'The revocation store failed, so the token was refused rather than accepted unchecked.', { cause, path: 'token' });
    }
    if (revoked) throw tokenError('REVOKED', `The token ${quote(claims.jti)} for ${quote(claims.sub)} was revoked (the token, its session or its user).`);
    if (revocationCacheMs > 0) {
      if (notRevokedUntil.size > 10_000) notRevokedUntil.clear();
      notRevokedUntil.set(claims.jti, Math.min(now + revocationCacheMs, claims.exp * 1000));
    }
  }

  async function verify(token: string, o: { now?: Clock } = {}): Promise<VerifiedToken> {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS || !COMPACT.test(token)) {
      throw tokenError('TOKEN_MALFORMED', `The Bearer credential is not a compact JWS (three base64url parts${typeof token === 'string' && token.length > MAX_TOKEN_CHARS ? `, at most ${MAX_TOKEN_CHARS} characters` : ''}).`);
    }
    const now = readClock(o.now !== undefined ? checkClock(o.now, 'verify: now') : clock);
    const jose = await loadJose();
    let header: ReturnType<typeof jose.decodeProtectedHeader>;
    try {
      header = jose.decodeProtectedHeader(token);
    } catch (cause) {
      throw new SamlGuardError('TOKEN_MALFORMED', 'The token header is not base64url JSON.', { cause, path: 'token' });
    }
    // The algorithm comes from our allow-list and the key, never from the token alone: `none`, HS256
    // keyed with a public key, and any algorithm other than the key's own are refused here.
    if (!isTokenAlgorithm(header.alg) || !allowed.has(header.alg)) {
      throw tokenError('ALGORITHM_NOT_ALLOWED', `The token is signed with ${quote(String(header.alg))}; accepted: ${[...allowed].join(', ')}.`, { alg: header.alg });
    }
    if (header.typ === undefined || header.typ.toLowerCase() !== TOKEN_TYPE && header.typ.toLowerCase() !== `application/${TOKEN_TYPE}`) {
      throw tokenError('TOKEN_MALFORMED', `The token type is ${quote(String(header.typ ?? null))}, not ${TOKEN_TYPE}: only samlguard access tokens are accepted.`);
    }
    if (typeof header.kid !== 'string') throw tokenError('TOKEN_MALFORMED', 'The token header has no kid.');
    const entry = keys.get(header.kid);
    if (entry === undefined) throw tokenError('KEY_NOT_TRUSTED', `The token names key ${quote(header.kid)}, which is not in the configured JWK Set (rotate: publish the new key before using it).`, { kid: header.kid });
    if (entry.alg !== header.alg) throw tokenError('ALGORITHM_NOT_ALLOWED', `Key ${quote(header.kid)} is an ${entry.alg} key; the token claims ${header.alg}.`, { alg: header.alg });
    let claims: TokenClaims;
    try {
      entry.crypto ??= jose.importJWK(entry.jwk as import('jose').JWK, entry.alg) as Promise<CryptoKey>;
      const result = await jose.jwtVerify(token, await entry.crypto, {
        algorithms: [entry.alg],
        issuer,
        audience: audiences,
        typ: header.typ,
        clockTolerance: skewSeconds,
        currentDate: new Date(now),
        // With maxTokenAge set, jose also refuses an iat in the future beyond the tolerance: a token
        // issued later than now would slip past a sub/sid revocation watermark. exp bounds the age itself.
        maxTokenAge: Number.MAX_SAFE_INTEGER,
        requiredClaims: ['exp', 'iat', 'jti', 'sub', 'iss', 'aud'],
      });
      claims = result.payload as TokenClaims;
    } catch (err) {
      throw mapJoseError(err, jose.errors);
    }
    // jose has checked exp, iat and nbf (numbers, in range); these are the claims only samlguard issues.
    if (typeof claims.jti !== 'string' || typeof claims.sub !== 'string' || typeof claims.idp !== 'string' || !Array.isArray(claims.roles) || !claims.roles.every((r) => typeof r === 'string')) {
      throw tokenError('TOKEN_MALFORMED', 'The token lacks the claims samlguard issues (jti, sub, idp, roles).');
    }
    await checkRevocation(claims, now);
    const groups = Array.isArray(claims.groups) ? claims.groups.filter((g): g is string => typeof g === 'string') : [];
    const attributes: Record<string, readonly string[]> = { groups };
    const out: VerifiedToken = {
      kind: 'bearer',
      id: claims.jti,
      issuer: claims.idp,
      tokenIssuer: claims.iss,
      subject: Object.freeze(claims.nameid_format !== undefined ? { nameId: claims.sub, format: claims.nameid_format } : { nameId: claims.sub }),
      roles: Object.freeze([...claims.roles]),
      groups: Object.freeze(groups),
      attributes: Object.freeze(attributes),
      issuedAt: new Date(claims.iat * 1000),
      expiresAt: new Date(claims.exp * 1000),
      ...(typeof claims.sid === 'string' ? { sessionIndex: claims.sid } : {}),
      ...(typeof claims.auth_time === 'number' ? { authnInstant: new Date(claims.auth_time * 1000) } : {}),
      claims: Object.freeze(claims),
    };
    return Object.freeze(out);
  }

  return Object.freeze({ verify });
}

function mapJoseError(err: unknown, joseErrors: typeof import('jose').errors): SamlGuardError {
  const e = err as { code?: string; claim?: string; reason?: string; message?: string };
  const message = e.message ?? String(err);
  if (err instanceof joseErrors.JWTExpired) return tokenError('EXPIRED', `The token expired (${message}).`);
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return tokenError('SIGNATURE_INVALID', 'The token signature does not verify with the key its kid names: it was altered, or signed by another key.');
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    // A time claim that is not a number is a malformed token, not a clock problem.
    if ((e.claim === 'nbf' || e.claim === 'iat') && e.reason !== 'invalid') return tokenError('NOT_YET_VALID', `The token is not valid yet (${e.claim}); check the clocks.`);
    if (e.claim === 'aud') return tokenError('AUDIENCE_MISMATCH', 'The token was issued for another audience.');
    if (e.claim === 'iss') return tokenError('ISSUER_MISMATCH', 'The token was issued by another issuer.');
    return tokenError('TOKEN_MALFORMED', `The token claim ${quote(e.claim ?? '?')} is invalid: ${message}`);
  }
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return tokenError('ALGORITHM_NOT_ALLOWED', message);
  return new SamlGuardError('TOKEN_MALFORMED', `The token is not a valid JWS: ${message}`, { cause: err, path: 'token' });
}
