/*
 * Short-lived access tokens (RFC 9068 JWT access tokens, signed with `jose`): a verified assertion becomes
 * a compact JWS that lives no longer than the IdP allowed, carrying who the user is and their roles, so an
 * API call need not carry the whole SAML Response.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { SamlGuardError, quote } from '../errors.js';
import { checkClock, invalid, nonEmptyString, optionalSeconds, readClock } from '../config/values.js';
import { randomId } from '../crypto/index.js';
import { base64Encode } from '../bytes/index.js';
import { readAwsSessionDuration } from '../roles/claims.js';
import type { Clock, VerifiedAssertion } from '../types.js';
import { loadJose } from './jose.js';
import { checkKeyForAlgorithm, importPrivate, isTokenAlgorithm, TOKEN_ALGORITHMS, type TokenAlgorithm } from './keys.js';

/** The JWT `typ` of samlguard's tokens (RFC 9068 §2.1). */
export const TOKEN_TYPE = 'at+jwt';

/** Attributes commonly carrying group membership, read (all of them, merged) into the `groups` claim. */
export const DEFAULT_GROUP_ATTRIBUTES = [
  'groups',
  'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
  'http://schemas.xmlsoap.org/claims/Group',
  'memberOf',
  'urn:oid:1.3.6.1.4.1.5923.1.5.1.1',
] as const;

// Claims the issuer sets; configured attribute claims may not take these names.
const RESERVED = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'sid', 'idp', 'auth_time', 'roles', 'groups', 'client_id', 'scope', 'typ', 'nameid_format']);

export interface TokenSigningKeyOptions {
  /** Key ID, published in the JWK Set and every token header. */
  kid: string;
  /** PEM, private JWK or KeyObject. */
  privateKey: string | JsonWebKey | KeyObject;
  alg: TokenAlgorithm;
}

/** Options of {@link createTokenIssuer}; validated at creation (CONFIG_INVALID). */
export interface TokenIssuerOptions {
  /** `iss`: the token issuer's identifier (an https URL, usually your API's sign-in base). */
  issuer: string;
  /** `aud`: who accepts the tokens (your API). */
  audience: string;
  /** The first key signs; the others stay published in `jwks()` (rotation: add the next key second, then move it first). */
  keys: readonly TokenSigningKeyOptions[];
  /** Upper bound on a token's life, in seconds. Default 900. */
  maxTtlSeconds?: number | null;
  /** Extra claims from attributes: claim name → attribute Name (one value → string, several → array). */
  claims?: Readonly<Record<string, string>> | null;
  /** Attributes merged into `groups`. Default {@link DEFAULT_GROUP_ATTRIBUTES}. */
  groupAttributes?: readonly string[] | null;
  /** The current time. Default the system clock. */
  now?: Clock | null;
}

/** The claims of a samlguard token. */
export interface TokenClaims {
  iss: string;
  aud: string;
  sub: string;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
  /** The IdP's SessionIndex, when the assertion had one (Single Logout revokes by it). */
  sid?: string;
  /** The IdP entityID that issued the assertion. */
  idp: string;
  /** AuthnInstant, epoch seconds. */
  auth_time?: number;
  /** NameID Format, when the assertion gave one. */
  nameid_format?: string;
  roles: string[];
  groups: string[];
  [claim: string]: unknown;
}

export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: Date;
  readonly claims: Readonly<TokenClaims>;
}

export interface TokenIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** Mint a token for a verified identity and the roles decided for it. */
  issue(identity: VerifiedAssertion, options: { roles: readonly string[]; now?: Clock }): Promise<IssuedToken>;
  /** The public JWK Set: every configured key, with kid, alg and use "sig". Serve it at /.well-known/jwks.json. */
  jwks(): { keys: JsonWebKey[] };
}

interface ImportedKey {
  kid: string;
  alg: TokenAlgorithm;
  key: KeyObject;
  publicJwk: JsonWebKey;
}

const KID = /^[\x21-\x7e]{1,128}$/;

/** Create a token issuer once, outside the handler: keys are imported and checked against their algorithm here. */
export function createTokenIssuer(options: TokenIssuerOptions): TokenIssuer {
  if (options === null || typeof options !== 'object') throw invalid('createTokenIssuer: options are required: { issuer, audience, keys }.');
  const issuer = nonEmptyString(options.issuer, 'createTokenIssuer: issuer');
  const audience = nonEmptyString(options.audience, 'createTokenIssuer: audience');
  const maxTtlSeconds = optionalSeconds(options.maxTtlSeconds, 'createTokenIssuer: maxTtlSeconds', 900)!;
  if (maxTtlSeconds < 1) throw invalid('createTokenIssuer: maxTtlSeconds must be at least 1.');
  const clock = checkClock(options.now, 'createTokenIssuer: now');
  if (!Array.isArray(options.keys) || options.keys.length === 0) throw invalid('createTokenIssuer: keys must list at least one { kid, privateKey, alg }.');
  const keys: ImportedKey[] = options.keys.map((k, i) => {
    const where = `createTokenIssuer: keys[${i}]`;
    if (k === null || typeof k !== 'object') throw invalid(`${where} must be { kid, privateKey, alg }.`);
    if (typeof k.kid !== 'string' || !KID.test(k.kid)) throw invalid(`${where}.kid must be 1-128 printable ASCII characters.`);
    if (!isTokenAlgorithm(k.alg)) throw invalid(`${where}.alg must be one of ${TOKEN_ALGORITHMS.join(', ')} (got ${quote(String(k.alg))}).`);
    const key = importPrivate(k.privateKey, `${where}.privateKey`);
    checkKeyForAlgorithm(key, k.alg, where);
    const publicJwk = { ...createPublicKey(key).export({ format: 'jwk' }), kid: k.kid, alg: k.alg, use: 'sig' } as JsonWebKey;
    return { kid: k.kid, alg: k.alg, key, publicJwk };
  });
  const kids = new Set(keys.map((k) => k.kid));
  if (kids.size !== keys.length) throw invalid('createTokenIssuer: every key needs its own kid.');
  const claimMap = Object.entries(options.claims ?? {});
  for (const [claim, attribute] of claimMap) {
    if (RESERVED.has(claim)) throw invalid(`createTokenIssuer: claims.${claim} is a claim samlguard sets itself; choose another name.`);
    if (typeof attribute !== 'string' || attribute === '') throw invalid(`createTokenIssuer: claims.${claim} must name an attribute.`);
  }
  const groupAttributes = options.groupAttributes ?? DEFAULT_GROUP_ATTRIBUTES;
  const signer = keys[0]!;
  const jwks = Object.freeze({ keys: Object.freeze(keys.map((k) => Object.freeze(k.publicJwk))) });
  void loadJose().catch(() => undefined);

  async function issue(identity: VerifiedAssertion, o: { roles: readonly string[]; now?: Clock }): Promise<IssuedToken> {
    if (identity === null || typeof identity !== 'object' || typeof identity.subject?.nameId !== 'string') throw invalid('issue: identity must be a verified assertion.');
    if (!Array.isArray(o?.roles) || !o.roles.every((r) => typeof r === 'string')) throw invalid('issue: roles must be an array of role names.');
    const now = readClock(o.now !== undefined ? checkClock(o.now, 'issue: now') : clock);
    // Never longer than the IdP allowed: the assertion's own limit (NotOnOrAfter, SessionNotOnOrAfter),
    // an AWS SessionDuration, and our ceiling.
    let expMs = Math.min(now + maxTtlSeconds * 1000, identity.expiresAt.getTime());
    if (identity.sessionNotOnOrAfter !== undefined) expMs = Math.min(expMs, identity.sessionNotOnOrAfter.getTime());
    const sessionDuration = readAwsSessionDuration(identity);
    if (sessionDuration !== undefined) expMs = Math.min(expMs, now + sessionDuration * 1000);
    const iat = Math.floor(now / 1000);
    const exp = Math.floor(expMs / 1000);
    if (exp <= iat) throw new SamlGuardError('EXPIRED', `The identity expires at ${new Date(expMs).toISOString()}, too soon to issue a token (tokens never outlive the assertion).`);
    const groups = new Set<string>();
    for (const a of groupAttributes) for (const v of identity.attributes[a] ?? []) groups.add(v);
    const claims: TokenClaims = {
      iss: issuer,
      aud: audience,
      sub: identity.subject.nameId,
      iat,
      nbf: iat,
      exp,
      jti: base64Encode(randomId(16)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'),
      idp: identity.issuer,
      roles: [...new Set(o.roles)].sort(),
      groups: [...groups],
    };
    if (identity.sessionIndex !== undefined) claims.sid = identity.sessionIndex;
    if (identity.authnInstant !== undefined) claims.auth_time = Math.floor(identity.authnInstant.getTime() / 1000);
    if (identity.subject.format !== undefined) claims.nameid_format = identity.subject.format;
    for (const [claim, attribute] of claimMap) {
      const values = identity.attributes[attribute];
      if (values === undefined || values.length === 0) continue;
      claims[claim] = values.length === 1 ? values[0] : [...values];
    }
    const { SignJWT } = await loadJose();
    const token = await new SignJWT(claims).setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: TOKEN_TYPE }).sign(signer.key);
    return Object.freeze({ token, expiresAt: new Date(exp * 1000), claims: Object.freeze(claims) });
  }

  return Object.freeze({
    issuer,
    audience,
    issue,
    jwks: () => ({ keys: jwks.keys.map((k) => ({ ...k })) }),
  });
}
