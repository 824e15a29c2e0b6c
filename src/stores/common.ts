import { revocationKeysOf as keysOf, revocationLookupKeys, revokedBy } from './revocation-keys.js';
import { SamlGuardError } from './core.js';

/** Options every shared store accepts. */
export interface SharedStoreOptions {
  /**
   * Prefix of every key the store writes, so that several stores (or applications) can share one
   * Redis database or DynamoDB table. Defaults: `samlguard:replay:` and `samlguard:request:`.
   */
  keyPrefix?: string;
  /**
   * Longest wait for the backend, in ms, per call. Default 2000. When it passes, the call rejects with
   * REPLAY_STORE_UNAVAILABLE even if the client is still retrying or queueing the command, so that a
   * backend outage fails requests promptly instead of holding them open. A write that the backend applies
   * after the deadline can only make an ID look used, never unused: the outcome is still closed.
   */
  timeoutMs?: number;
  /**
   * Clock in epoch ms, used to turn `expiresAt` into a time to live. Default `Date.now`. The verifier
   * computes `expiresAt` from `Date.now`; replace this only in tests.
   */
  now?: () => number;
}

/** Options of the shared replay stores. */
export interface SharedReplayStoreOptions extends SharedStoreOptions {
  /**
   * Shortest time, in ms, an assertion ID is remembered, even when `expiresAt` is already past or only
   * moments away. Default 1000. Without a floor, an ID whose `expiresAt` had passed would be stored as
   * already expired — and every later consume of it would be "first" again.
   */
  minTtlMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 2000;
export const DEFAULT_MIN_TTL_MS = 1000;
export const REPLAY_PREFIX = 'samlguard:replay:';
export const REQUEST_PREFIX = 'samlguard:request:';
// setTimeout silently turns longer delays into 1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;

export function invalid(message: string): SamlGuardError {
  return new SamlGuardError('CONFIG_INVALID', message);
}

/** The store could not answer: the caller must reject the message, never accept it. */
export function unavailable(store: string, what: string, cause?: unknown): SamlGuardError {
  const reason = cause instanceof Error ? `: ${cause.message.slice(0, 200)}` : '';
  return new SamlGuardError('REPLAY_STORE_UNAVAILABLE', `The ${store} failed to ${what}${reason}. The message was rejected, not accepted.`, cause === undefined ? {} : { cause });
}

export function readOptionsObject(options: unknown, factory: string): Record<string, unknown> {
  if (typeof options !== 'object' || options === null) throw invalid(`${factory} needs an options object.`);
  return options as Record<string, unknown>;
}

export function readPositiveInt(value: unknown, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0 || value > max) {
    throw invalid(`${name} must be a positive integer${max < Number.MAX_SAFE_INTEGER ? ` of at most ${max}` : ''}.`);
  }
  return value;
}

export function readString(value: unknown, name: string, fallback: string | undefined, allowEmpty: boolean): string {
  if (value === undefined || value === null) {
    if (fallback === undefined) throw invalid(`${name} is required.`);
    return fallback;
  }
  if (typeof value !== 'string' || (!allowEmpty && value === '')) throw invalid(`${name} must be a ${allowEmpty ? '' : 'non-empty '}string.`);
  return value;
}

export interface CommonSettings {
  keyPrefix: string;
  timeoutMs: number;
  now: () => number;
}

export function readCommon(o: Record<string, unknown>, defaultPrefix: string): CommonSettings {
  const now = o.now ?? Date.now;
  if (typeof now !== 'function') throw invalid('now must be a function returning epoch milliseconds.');
  return {
    keyPrefix: readString(o.keyPrefix, 'keyPrefix', defaultPrefix, true),
    timeoutMs: readPositiveInt(o.timeoutMs, 'timeoutMs', DEFAULT_TIMEOUT_MS, MAX_TIMER_MS),
    now: now as () => number,
  };
}

/** Reads the clock, refusing a broken one: a NaN "now" would make every ID look unexpired or expired. */
export function clock(now: () => number, store: string): number {
  const t = now();
  if (typeof t !== 'number' || !Number.isFinite(t)) throw unavailable(store, 'read the clock (now() did not return finite epoch ms)');
  return t;
}

export function checkId(id: unknown, store: string): asserts id is string {
  if (typeof id !== 'string' || id === '') throw unavailable(store, 'accept the ID (it must be a non-empty string)');
}

export function expiryOf(expiresAt: unknown, store: string): number {
  const t = expiresAt instanceof Date ? expiresAt.getTime() : Number.NaN;
  if (!Number.isFinite(t)) throw unavailable(store, 'accept the expiry (expiresAt must be a valid Date)');
  return t;
}

/**
 * Runs one backend call under the store's deadline. `signal` lets clients that support it (the AWS SDK)
 * abandon the request; for the rest the deadline only stops the wait.
 */
export function withDeadline<T>(call: (signal: AbortSignal) => Promise<T>, timeoutMs: number, store: string, what: string): Promise<T> {
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      controller.abort();
      reject(unavailable(store, `${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    // The deadline must not keep a process (a CLI, a test runner) alive on its own.
    timer.unref?.();
    let pending: Promise<T>;
    try {
      pending = Promise.resolve(call(controller.signal));
    } catch (cause) {
      pending = Promise.reject(cause);
    }
    // After the deadline these settle into a promise nobody awaits any more; both paths are handled, so a
    // late failure is not reported as an unhandled rejection.
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (cause: unknown) => {
        clearTimeout(timer);
        reject(cause instanceof SamlGuardError ? cause : unavailable(store, what, cause));
      },
    );
  });
}

/** The store keys of a revocation target (`sub:…`, `sid:…`, `jti:…`); CONFIG_INVALID when it names nothing or an empty value. */
export function revocationKeysOf(target: { sub?: unknown; sid?: unknown; jti?: unknown } | null | undefined): string[] {
  return keysOf(target, (message) => {
    throw invalid(message);
  });
}

export { revocationLookupKeys, revokedBy };

/**
 * Runs a revocation store's backend call under its deadline. Any failure becomes
 * REVOCATION_STORE_UNAVAILABLE: a token whose revocation cannot be checked is refused, never let through.
 */
export async function revocationCall<T>(call: (signal: AbortSignal) => Promise<T>, timeoutMs: number, store: string, what: string): Promise<T> {
  try {
    return await withDeadline(call, timeoutMs, store, what);
  } catch (cause) {
    throw new SamlGuardError('REVOCATION_STORE_UNAVAILABLE', `${store}: could not ${what}; refusing rather than accepting unchecked.`, { cause });
  }
}
