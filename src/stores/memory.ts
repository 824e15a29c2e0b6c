import { SamlGuardError } from '../errors.js';
import { revocationKeysOf, revocationLookupKeys, revokedBy } from './revocation-keys.js';
import type { ReplayStore, RequestIdStore, RequestStore, RevocableClaims, RevocationStore, RevocationTarget } from './types.js';

export interface MemoryStoreOptions {
  /**
   * Most unexpired IDs held at once. Default 100 000. A full store refuses new IDs (the message is
   * rejected with REPLAY_STORE_UNAVAILABLE) rather than forgetting a live one, which would re-admit it.
   */
  maxEntries?: number;
  /** Clock for expiry, in epoch ms. Default Date.now. */
  now?: () => number;
}

/**
 * A bounded map of id → expiry. Expired entries are swept lazily. When the bound is reached and nothing
 * has expired, it fails closed: evicting a live ID would let that assertion be replayed.
 */
class ExpiringSet {
  private readonly entries = new Map<string, number>();
  private readonly max: number;
  private readonly clock: () => number;
  private sweepAt = 0;

  constructor(options: MemoryStoreOptions) {
    const max = options.maxEntries ?? 100_000;
    if (!Number.isSafeInteger(max) || max <= 0) throw new SamlGuardError('CONFIG_INVALID', 'maxEntries must be a positive integer.');
    this.max = max;
    this.clock = options.now ?? Date.now;
  }

  /** True when `id` is present and unexpired. */
  has(id: string): boolean {
    const exp = this.entries.get(id);
    if (exp === undefined) return false;
    if (exp <= this.clock()) {
      this.entries.delete(id);
      return false;
    }
    return true;
  }

  add(id: string, expiresAt: number): void {
    this.sweep();
    if (this.entries.size >= this.max && !this.entries.has(id)) {
      throw new SamlGuardError('REPLAY_STORE_UNAVAILABLE', `The in-memory store is full (${this.max} unexpired IDs); refusing rather than forgetting a live ID. Raise maxEntries or use a shared store.`);
    }
    this.entries.set(id, expiresAt);
  }

  delete(id: string): boolean {
    return this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }

  private sweep(): void {
    const now = this.clock();
    // Sweeping is O(n): at most once a second, so a full store cannot be made to sweep per request.
    if (now < this.sweepAt) return;
    this.sweepAt = now + 1000;
    for (const [id, exp] of this.entries) if (exp <= now) this.entries.delete(id);
  }
}

/** The asynchronous forms reject rather than throw (a full store), as callers of a Promise API expect. */
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err);
  }
}

/** The in-memory {@link ReplayStore}: per process. Use a shared store when several instances serve one API. */
export class MemoryReplayStore implements ReplayStore {
  private readonly set: ExpiringSet;
  constructor(options: MemoryStoreOptions = {}) {
    this.set = new ExpiringSet(options);
  }
  /** Synchronous form, used by `verifySync`. */
  consumeSync(id: string, expiresAt: Date): boolean {
    if (this.set.has(id)) return false;
    this.set.add(id, expiresAt.getTime());
    return true;
  }
  consume(id: string, expiresAt: Date): Promise<boolean> {
    return settle(() => this.consumeSync(id, expiresAt));
  }
  get size(): number {
    return this.set.size;
  }
}

/**
 * The in-memory {@link RequestStore} (per process: behind a load balancer or in Lambda, share a Redis or
 * DynamoDB store instead). Also a {@link RequestIdStore}: `issue` is `put`.
 */
export class MemoryRequestIdStore implements RequestStore, RequestIdStore {
  private readonly set: ExpiringSet;
  constructor(options: MemoryStoreOptions = {}) {
    this.set = new ExpiringSet(options);
  }
  put(id: string, expiresAt: Date): Promise<void> {
    return settle(() => this.set.add(id, expiresAt.getTime()));
  }
  issue(id: string, expiresAt: Date): Promise<void> {
    return this.put(id, expiresAt);
  }
  consumeSync(id: string): boolean {
    return this.set.has(id) && this.set.delete(id);
  }
  consume(id: string): Promise<boolean> {
    return settle(() => this.consumeSync(id));
  }
}

/** Create the in-memory replay store (the default when none is configured). */
export function createMemoryReplayStore(options?: MemoryStoreOptions): MemoryReplayStore {
  return new MemoryReplayStore(options);
}

/** Create the in-memory request store (`put`/`consume`; `issue` too, its earlier name). */
export function createMemoryRequestStore(options?: MemoryStoreOptions): MemoryRequestIdStore {
  return new MemoryRequestIdStore(options);
}

/** The earlier name of {@link createMemoryRequestStore}; the same store. */
export const createMemoryRequestIdStore = createMemoryRequestStore;

/** The in-memory request store class under the {@link RequestStore} name. */
export const MemoryRequestStore = MemoryRequestIdStore;

/**
 * The in-memory {@link RevocationStore}: for development and single-process servers only (each Lambda
 * instance would have its own; share Redis or DynamoDB). Bounded: when full of live entries, a new
 * revocation is refused (REVOCATION_STORE_UNAVAILABLE) rather than a live one forgotten.
 */
export class MemoryRevocationStore implements RevocationStore {
  private readonly entries = new Map<string, { at: number; until: number }>();
  private readonly maxEntries: number;
  private readonly now: () => number;
  constructor(options: MemoryStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
    this.now = options.now ?? Date.now;
  }
  revoke(target: RevocationTarget, until: Date): Promise<void> {
    return settle(() => {
      const keys = revocationKeysOf(target, (message) => {
        throw new SamlGuardError('CONFIG_INVALID', message);
      });
      const at = this.now();
      const end = until.getTime();
      if (!Number.isFinite(end)) throw new SamlGuardError('CONFIG_INVALID', 'revoke: until must be a valid Date.');
      this.sweep(at);
      if (this.entries.size + keys.length > this.maxEntries) {
        // Forgetting a live revocation would re-admit the revoked: refuse to record instead, loudly.
        throw new SamlGuardError('REVOCATION_STORE_UNAVAILABLE', `The in-memory revocation store is full (${this.maxEntries} live entries); use a shared store or raise maxEntries.`);
      }
      for (const k of keys) {
        const prior = this.entries.get(k);
        this.entries.set(k, { at, until: Math.max(end, prior?.until ?? 0) });
      }
    });
  }
  isRevokedSync(claims: RevocableClaims): boolean {
    const now = this.now();
    const live = (k: string) => {
      const e = this.entries.get(k);
      return e !== undefined && e.until > now ? e : undefined;
    };
    return revokedBy(revocationLookupKeys(claims).map((k) => live(k)?.at), claims.iat);
  }
  isRevoked(claims: RevocableClaims): Promise<boolean> {
    return settle(() => this.isRevokedSync(claims));
  }
  private sweep(now: number): void {
    if (this.entries.size < this.maxEntries / 2) return;
    for (const [k, e] of this.entries) if (e.until <= now) this.entries.delete(k);
  }
}

/** Create the in-memory revocation store (development and single-process servers). */
export function createMemoryRevocationStore(options?: MemoryStoreOptions): MemoryRevocationStore {
  return new MemoryRevocationStore(options);
}
