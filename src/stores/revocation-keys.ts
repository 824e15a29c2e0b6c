// The key scheme every revocation store shares. It imports nothing: the memory store (part of the core
// bundle) and the shared stores (their own bundle, with SamlGuardError from the package) both use it, so
// the caller supplies how to fail.

/** The store keys of a revocation target (`sub:…`, `sid:…`, `jti:…`); `fail` when it names nothing or an empty value. */
export function revocationKeysOf(target: { sub?: unknown; sid?: unknown; jti?: unknown } | null | undefined, fail: (message: string) => never): string[] {
  const out: string[] = [];
  for (const kind of ['sub', 'sid', 'jti'] as const) {
    const v = target !== null && typeof target === 'object' ? target[kind] : undefined;
    if (v === undefined) continue;
    if (typeof v !== 'string' || v === '') fail(`revoke: ${kind} must be a non-empty string.`);
    out.push(`${kind}:${v}`);
  }
  if (out.length === 0) fail('revoke: name at least one of sub, sid or jti.');
  return out;
}

/** The keys a revocation check reads for a token: its jti first (any entry revokes), then its sub and sid watermarks. */
export function revocationLookupKeys(claims: { sub: string; sid?: string; jti: string }): string[] {
  return [`jti:${claims.jti}`, `sub:${claims.sub}`, ...(claims.sid !== undefined ? [`sid:${claims.sid}`] : [])];
}

/**
 * The revocation decision every store makes over what it found for {@link revocationLookupKeys}, in that
 * order: `found[i]` is the live entry's revocation instant (epoch ms) or `undefined` when there is none.
 * A jti entry revokes whatever its instant; a sub or sid watermark revokes tokens issued at or before it,
 * and an unreadable watermark (NaN) fails closed.
 */
export function revokedBy(found: readonly (number | undefined)[], iatSeconds: number): boolean {
  if (found[0] !== undefined) return true;
  const issuedMs = iatSeconds * 1000;
  for (let i = 1; i < found.length; i++) {
    const at = found[i];
    if (at !== undefined && (!Number.isFinite(at) || issuedMs <= at)) return true;
  }
  return false;
}
