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

/** Remembers the IDs of AuthnRequests this SP issued, so that each response answers one of ours, once. */
export interface RequestIdStore {
  /** Record a request ID we sent, valid until `expiresAt`. */
  issue(id: string, expiresAt: Date): Promise<void>;
  /** Resolves true once for an issued, unexpired ID (and forgets it); false otherwise. Atomic. */
  consume(id: string): Promise<boolean>;
}
