import { SamlGuardError } from './core.js';

/** Where the authorizer reads the SAML credential (normalized at creation). */
export interface CredentialSource {
  /** Lower-cased header name (REQUEST and HTTP API events), when reading a header. */
  header: string | undefined;
  /** Cookie name, when reading a cookie instead of a header. */
  cookie: string | undefined;
  /** Auth scheme expected before the base64 (compared case-insensitively), or undefined for the bare base64. */
  scheme: string | undefined;
}

// Standard base64 only (what the HTTP-POST binding produces); no whitespace: headers cannot carry line breaks.
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function missing(where: string): SamlGuardError {
  return new SamlGuardError('CREDENTIAL_MISSING', `No SAML credential in ${where}.`);
}

function malformed(message: string): SamlGuardError {
  return new SamlGuardError('CREDENTIAL_MALFORMED', message);
}

function checkBase64(value: string, where: string): string {
  // The credential is a bearer secret: messages describe it, never echo it.
  if (value.length % 4 !== 0 || !BASE64.test(value)) throw malformed(`The credential in ${where} is not base64 (${value.length} characters).`);
  return value;
}

/** `SAML <base64>` (scheme case-insensitive, as RFC 9110 §11.1 has it), or the bare base64 when no scheme is configured. */
export function parseAuthorization(value: unknown, source: CredentialSource, where: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw missing(where);
  const text = value.trim();
  if (source.scheme === undefined) return checkBase64(text, where);
  const m = /^(\S+) +(\S+)$/.exec(text);
  if (m === null) throw malformed(`The value of ${where} is not "<scheme> <base64>".`);
  if (m[1]!.toLowerCase() !== source.scheme.toLowerCase()) {
    // Name a scheme-like word (Bearer, Basic) to help debugging; anything else may be part of a secret.
    const shown = /^[A-Za-z][A-Za-z0-9-]{0,19}$/.test(m[1]!) ? `"${m[1]!}"` : 'another scheme';
    throw malformed(`${where} uses ${shown}, not the configured "${source.scheme}" scheme.`);
  }
  return checkBase64(m[2]!, where);
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
export function singleHeader(headers: Headers, multi: MultiHeaders, source: CredentialSource): string {
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
 * The configured cookie's value. Cookies carry the bare base64 (no scheme); quotes (RFC 6265 allows a
 * quoted value) and percent-encoding (what most frameworks apply to `+`, `/`, `=`) are undone.
 */
export function cookieValue(pairs: readonly string[], source: CredentialSource): string {
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
  return checkBase64(value, where);
}

export function cookieFromHeaders(headers: Headers, multi: MultiHeaders, source: CredentialSource): string {
  return cookieValue(cookiePairs(headerValues(headers, multi, 'cookie')), source);
}

/** HTTP API payload 2.0 moves cookies into `cookies`; older shapes keep the Cookie header. */
export function cookieFromV2(cookies: unknown, headers: Headers, source: CredentialSource): string {
  if (Array.isArray(cookies)) return cookieValue(cookiePairs(cookies.filter((c): c is string => typeof c === 'string')), source);
  return cookieFromHeaders(headers, undefined, source);
}
