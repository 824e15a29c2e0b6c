/**
 * Pluggable stores. samlguard ships in-memory defaults (bounded, expiring) and adapters for Redis
 * (`samlguard/stores/redis`) and DynamoDB (`samlguard/stores/dynamodb`) so that many instances share
 * one view. A store that fails must throw (or reject): samlguard turns that into
 * REPLAY_STORE_UNAVAILABLE and rejects the message — a failing store never means "accept".
 */

/** Remembers assertion IDs until they expire, so that each is accepted once. */
export interface ReplayStore {
  /**
   * Record `id` as used until `expiresAt`. Resolves true the first time an unexpired `id` is seen,
   * false every later time. Must be atomic across all instances that share the store.
   */
  consume(id: string, expiresAt: Date): Promise<boolean>;
}

/**
 * Remembers the IDs of requests this SP sent (AuthnRequests), so that each response answers one of ours,
 * once. Every built-in store (memory, Redis, DynamoDB) implements it; `issue` is the older name of `put`
 * and stays available on them.
 */
export interface RequestStore {
  /** Record a request ID we sent, outstanding until `expiresAt`. */
  put(id: string, expiresAt: Date): Promise<void>;
  /**
   * Resolves true once for an outstanding, unexpired ID (and forgets it); false otherwise. Atomic: of two
   * concurrent consumers of one ID, across all instances sharing the store, exactly one gets true.
   */
  consume(id: string): Promise<boolean>;
}

/**
 * The earlier name of {@link RequestStore}, with `issue` for `put`. Still accepted everywhere a request
 * store is (the verifier's `requestIds`, the SP's `requests`); the built-in stores implement both.
 */
export interface RequestIdStore {
  /** Record a request ID we sent, valid until `expiresAt` (same as {@link RequestStore.put}). */
  issue(id: string, expiresAt: Date): Promise<void>;
  /** Resolves true once for an issued, unexpired ID (and forgets it); false otherwise. Atomic. */
  consume(id: string): Promise<boolean>;
}

/** What a revocation names: one token (`jti`), one IdP session (`sid`), or every session of a user (`sub`). */
export interface RevocationTarget {
  sub?: string;
  sid?: string;
  jti?: string;
}

/** The claims a revocation check looks at. */
export interface RevocableClaims {
  sub: string;
  sid?: string;
  jti: string;
  /** Issued at, epoch seconds: a `sub`/`sid` revocation refuses tokens issued at or before it. */
  iat: number;
}

/**
 * Revoked tokens, sessions and users. A `jti` revocation refuses that token; a `sub` or `sid` revocation
 * refuses every token issued at or before the moment of revocation (a watermark), so a user who signs in
 * again afterwards is let in. Entries must be kept until `until` (the longest a revoked token could live).
 * A store that fails must throw: the token is then refused (REVOCATION_STORE_UNAVAILABLE), never accepted.
 */
export interface RevocationStore {
  revoke(target: RevocationTarget, until: Date): Promise<void>;
  isRevoked(claims: RevocableClaims): Promise<boolean>;
}
