import { SamlGuardError } from './core.js';

/** Where the authorizer reads the credential (normalized at creation). */
export interface CredentialSource {
  /** Lower-cased header name (REQUEST and HTTP API events), when reading a header. */
  header: string | undefined;
  /** Cookie name, when reading a cookie instead of a header. */
  cookie: string | undefined;
  /** Auth scheme expected before the SAML base64 (compared case-insensitively), or undefined for the bare base64. */
  scheme: string | undefined;
  /** Auth scheme of access tokens (`Bearer`), or undefined when tokens are not accepted. */
  bearer: string | undefined;
  /** Whether SAML credentials are accepted. */
  saml: boolean;
}

/** A credential as read from a request: a SAML Response (base64) or a samlguard access token (compact JWS). */
export type Credential = { readonly kind: 'saml'; readonly value: string } | { readonly kind: 'bearer'; readonly value: string };

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function bearerToken(value: string, where: string): Credential {
  if (!COMPACT_JWS.test(value)) throw malformed(`The Bearer credential in ${where} is not a compact JWS (${value.length} characters).`);
  return { kind: 'bearer', value };
}

function samlCredential(value: string, source: CredentialSource, where: string): Credential {
  if (!source.saml) throw malformed(`${where} carries a SAML Response, but this door accepts access tokens only.`);
  return { kind: 'saml', value: checkBase64(value, where) };
}

// Standard base64 only (what the HTTP-POST binding produces); no whitespace: headers cannot carry line breaks.
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function missing(where: string): SamlGuardError {
  return new SamlGuardError('CREDENTIAL_MISSING', `No credential in ${where}.`);
}

function malformed(message: string): SamlGuardError {
  return new SamlGuardError('CREDENTIAL_MALFORMED', message);
}

function checkBase64(value: string, where: string): string {
  // The credential is a bearer secret: messages describe it, never echo it.
  if (value.length % 4 !== 0 || !BASE64.test(value)) throw malformed(`The credential in ${where} is not base64 (${value.length} characters).`);
  return value;
}

/**
 * `SAML <base64>` or `Bearer <jwt>` (schemes case-insensitive, as RFC 9110 §11.1 has it), or the bare
 * value when no SAML scheme is configured (a compact JWS is then told from base64 by its dots).
 */
export function parseAuthorization(value: unknown, source: CredentialSource, where: string): Credential {
  if (typeof value !== 'string' || value.trim() === '') throw missing(where);
  const text = value.trim();
  const m = /^(\S+) +(\S+)$/.exec(text);
  if (m !== null) {
    const scheme = m[1]!.toLowerCase();
    if (source.bearer !== undefined && scheme === source.bearer.toLowerCase()) return bearerToken(m[2]!, where);
    if (source.scheme !== undefined && scheme === source.scheme.toLowerCase()) return samlCredential(m[2]!, source, where);
    // Name a scheme-like word (Basic, Negotiate) to help debugging; anything else may be part of a secret.
    const shown = /^[A-Za-z][A-Za-z0-9-]{0,19}$/.test(m[1]!) ? `"${m[1]!}"` : 'another scheme';
    const accepted = [source.saml && source.scheme !== undefined ? `"${source.scheme}"` : undefined, source.bearer !== undefined ? `"${source.bearer}"` : undefined].filter(Boolean).join(' or ');
    throw malformed(`${where} uses ${shown}, not ${accepted || 'a bare credential'}.`);
  }
  if (source.scheme !== undefined && source.saml) throw malformed(`The value of ${where} is not "<scheme> <credential>".`);
  if (source.bearer !== undefined && text.includes('.')) return bearerToken(text, where);
  return samlCredential(text, source, where);
}

type Headers = Record<string, string | undefined> | null | undefined;
type MultiHeaders = Record<string, string[] | undefined> | null | undefined;

/**
 * Every value of a header, looked up case-insensitively. `multiValueHeaders` (REST) lists each occurrence,
 * so it is preferred when it names the header; `headers` alone holds only the last one.
 */
export function headerValues(headers: Headers, multi: MultiHeaders, name: string): string[] {
  const fromMulti: string[] = [];
  if (multi !== null && typeof multi === 'object') {
    for (const [key, values] of Object.entries(multi)) {
      if (key.toLowerCase() === name && Array.isArray(values)) fromMulti.push(...values.filter((v): v is string => typeof v === 'string'));
    }
  }
  if (fromMulti.length > 0) return fromMulti;
  const out: string[] = [];
  if (headers !== null && typeof headers === 'object') {
    for (const [key, value] of Object.entries(headers)) {
      if (key.toLowerCase() === name && typeof value === 'string') out.push(value);
    }
  }
  return out;
}

/** The one header value (a repeated credential header is ambiguous, so it is refused). */
export function singleHeader(headers: Headers, multi: MultiHeaders, source: CredentialSource): Credential {
  const name = source.header!;
  const values = headerValues(headers, multi, name).filter((v) => v.trim() !== '');
  if (values.length > 1) throw malformed(`The ${name} header is sent ${values.length} times; exactly one is accepted.`);
  return parseAuthorization(values[0], source, `the ${name} header`);
}

/** Cookie pairs from `Cookie` header values (several headers allowed, as HTTP/2 splits them). */
function cookiePairs(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(';')).map((p) => p.trim()).filter((p) => p !== '');
}

/**
 * The configured cookie's value. Cookies carry the bare credential (no scheme): an access token (the
 * session cookie the ACS sets) or a SAML base64; quotes (RFC 6265 allows a quoted value) and
 * percent-encoding (what most frameworks apply to `+`, `/`, `=`) are undone.
 */
export function cookieValue(pairs: readonly string[], source: CredentialSource): Credential {
  const name = source.cookie!;
  const where = `the ${name} cookie`;
  const found: string[] = [];
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) found.push(pair.slice(eq + 1).trim());
  }
  // Two cookies of one name (e.g. different Path or Domain) are ambiguous: which one the client meant is unknowable.
  if (found.length > 1) throw malformed(`${where} is sent ${found.length} times; exactly one is accepted.`);
  let value = found[0];
  if (value === undefined || value === '' || value === '""') throw missing(where);
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  if (value.includes('%')) {
    try {
      value = decodeURIComponent(value);
    } catch {
      throw malformed(`${where} has invalid percent-encoding.`);
    }
  }
  if (source.bearer !== undefined && value.includes('.')) return bearerToken(value, where);
  return samlCredential(value, source, where);
}

export function cookieFromHeaders(headers: Headers, multi: MultiHeaders, source: CredentialSource): Credential {
  return cookieValue(cookiePairs(headerValues(headers, multi, 'cookie')), source);
}

/** HTTP API payload 2.0 moves cookies into `cookies`; older shapes keep the Cookie header. */
export function cookieFromV2(cookies: unknown, headers: Headers, source: CredentialSource): Credential {
  if (Array.isArray(cookies)) return cookieValue(cookiePairs(cookies.filter((c): c is string => typeof c === 'string')), source);
  return cookieFromHeaders(headers, undefined, source);
}
