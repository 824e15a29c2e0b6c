import { SamlGuardError } from '../errors.js';
import type { ReplayStore, RequestIdStore } from './types.js';

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

/** The in-memory {@link RequestIdStore}. */
export class MemoryRequestIdStore implements RequestIdStore {
  private readonly set: ExpiringSet;
  constructor(options: MemoryStoreOptions = {}) {
    this.set = new ExpiringSet(options);
  }
  issue(id: string, expiresAt: Date): Promise<void> {
    return settle(() => this.set.add(id, expiresAt.getTime()));
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

/** Create the in-memory request-ID store. */
export function createMemoryRequestIdStore(options?: MemoryStoreOptions): MemoryRequestIdStore {
  return new MemoryRequestIdStore(options);
}
