// RelayState (SAML bindings §3.4.3, §3.5.3): at most 80 bytes, outside every signature over HTTP-POST,
// and a classic open redirect. samlguard accepts a relative path, or an absolute http(s) URL whose origin
// is allow-listed, and decides on what a browser would parse, never on the raw string. It is returned to
// the caller, never followed by the library.
import { utf8Length } from '../bytes/index.js';
import { SamlGuardError, quote } from '../errors.js';

export const MAX_RELAY_STATE_BYTES = 80;
// A base no real deployment has: a relative RelayState must resolve against it and stay on it.
const PROBE_BASE = 'https://relay-state.samlguard.invalid';

/** The compiled allow-list: exact origins (scheme, host, port) as WHATWG URL serializes them. */
export interface RelayStatePolicy {
  readonly allowedOrigins: ReadonlySet<string>;
}

function relayError(message: string, details?: Record<string, unknown>): SamlGuardError {
  return new SamlGuardError('RELAY_STATE_INVALID', message, { details });
}

/** Validate `relayState.allowedOrigins` once, at creation (CONFIG_INVALID on a bad entry). */
export function compileRelayStatePolicy(value: unknown, where: string): RelayStatePolicy {
  if (value === undefined || value === null) return { allowedOrigins: new Set() };
  if (typeof value !== 'object' || Array.isArray(value)) throw new SamlGuardError('CONFIG_INVALID', `${where}: relayState must be an object: { allowedOrigins: ['https://app.example.com'] }.`);
  const list = (value as { allowedOrigins?: unknown }).allowedOrigins;
  if (list === undefined || list === null) return { allowedOrigins: new Set() };
  if (!Array.isArray(list)) throw new SamlGuardError('CONFIG_INVALID', `${where}: relayState.allowedOrigins must be an array of origins such as 'https://app.example.com'.`);
  const origins = new Set<string>();
  for (const entry of list) {
    let url: URL | undefined;
    try {
      url = typeof entry === 'string' ? new URL(entry) : undefined;
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== String(entry).replace(/\/$/, '') || url.username !== '' || url.password !== '') {
      throw new SamlGuardError('CONFIG_INVALID', `${where}: relayState.allowedOrigins entry ${quote(String(entry))} is not an origin (scheme://host[:port], nothing else).`);
    }
    origins.add(url.origin);
  }
  return { allowedOrigins: origins };
}

/**
 * Check a RelayState value: returns it unchanged when it is a safe relative path or an allow-listed
 * absolute URL; otherwise RELAY_STATE_INVALID. The empty string is treated as no RelayState (undefined).
 */
export function checkRelayState(value: string | undefined | null, policy: RelayStatePolicy): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw relayError('RelayState must be a string.');
  const bytes = utf8Length(value);
  if (bytes > MAX_RELAY_STATE_BYTES) {
    throw relayError(`RelayState is ${bytes} bytes; SAML bindings §3.4.3 allows at most ${MAX_RELAY_STATE_BYTES}. Keep the return path short, or keep it server-side and send a handle.`, { bytes, max: MAX_RELAY_STATE_BYTES });
  }
  // Browsers drop tabs and newlines and read '\' as '/' in URLs: such a string means something other
  // than it looks. Control characters never belong in a return address.
  if (/[\u0000-\u001f\u007f\\]/.test(value)) throw relayError('RelayState contains a control character or a backslash; use a plain path such as /dashboard or an allow-listed URL.');
  if (value.startsWith('/')) {
    const url = new URL(value, PROBE_BASE);
    if (value.startsWith('//') || url.origin !== PROBE_BASE) throw relayError(`RelayState ${quote(value)} would leave this site (a scheme-relative URL); a relative RelayState must be a path such as /dashboard.`);
    return value;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw relayError(`RelayState ${quote(value)} is neither a path starting with / nor an absolute URL.`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '' || !policy.allowedOrigins.has(url.origin)) {
    throw relayError(`RelayState ${quote(value)} points at ${quote(url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : url.protocol)}, which is not in relayState.allowedOrigins (an open redirect otherwise).`, { origin: url.origin });
  }
  return value;
}
