import { SamlGuardError } from '../errors.js';
import type { VerifiedAssertion } from '../model/identity.js';

/** Bounds of the verified-assertion cache. */
export interface CacheOptions {
  /** Most entries held. Default 1 000. */
  maxEntries?: number;
  /** Approximate bytes held (keys and results). Default 16 MiB. */
  maxBytes?: number;
}

interface Entry {
  result: VerifiedAssertion;
  bytes: number;
}

/**
 * An LRU of verified results keyed by a digest of the exact input. Only successes are stored, never a
 * OneTimeUse assertion, and a hit is served only while the result is still inside its validity window
 * (the caller re-checks time). Bounded in entries and in bytes: a flood of distinct inputs evicts the
 * least recently used, it cannot grow memory.
 */
export class VerifiedCache {
  private readonly map = new Map<string, Entry>();
  private bytes = 0;
  readonly maxEntries: number;
  readonly maxBytes: number;

  constructor(options: CacheOptions) {
    this.maxEntries = options.maxEntries ?? 1000;
    this.maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    if (!Number.isSafeInteger(this.maxEntries) || this.maxEntries <= 0) throw new SamlGuardError('CONFIG_INVALID', 'cache.maxEntries must be a positive integer.');
    if (!Number.isSafeInteger(this.maxBytes) || this.maxBytes <= 0) throw new SamlGuardError('CONFIG_INVALID', 'cache.maxBytes must be a positive integer.');
  }

  get(key: string): VerifiedAssertion | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    // Refresh recency: Map iteration order is insertion order, so re-insert at the end.
    this.map.delete(key);
    this.map.set(key, entry);
    return entry.result;
  }

  set(key: string, result: VerifiedAssertion): void {
    const bytes = 2 * key.length + estimateBytes(result);
    if (bytes > this.maxBytes) return;
    this.delete(key);
    this.map.set(key, { result, bytes });
    this.bytes += bytes;
    while (this.map.size > this.maxEntries || this.bytes > this.maxBytes) {
      const oldest = this.map.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const entry = this.map.get(key);
    if (entry === undefined) return;
    this.map.delete(key);
    this.bytes -= entry.bytes;
  }

  /** Entries and approximate bytes held (for diagnostics and the benchmark). */
  stats(): { entries: number; bytes: number } {
    return { entries: this.map.size, bytes: this.bytes };
  }
}

/** A conservative size estimate: UTF-16 string bytes plus per-object overhead. */
function estimateBytes(result: VerifiedAssertion): number {
  let n = 512;
  const add = (s: string | undefined): void => {
    if (s !== undefined) n += 2 * s.length + 32;
  };
  add(result.id);
  add(result.issuer);
  add(result.subject.nameId);
  add(result.subject.format);
  add(result.audience);
  add(result.sessionIndex);
  add(result.authnContextClassRef);
  add(result.inResponseTo);
  for (const a of result.attributeDetails) {
    add(a.name);
    add(a.friendlyName);
    add(a.nameFormat);
    for (const v of a.values) add(v);
    n += 64;
  }
  // attributes (by name) shares the value strings with attributeDetails; count its arrays and keys.
  for (const [name, values] of Object.entries(result.attributes)) n += 2 * name.length + 16 + 8 * values.length;
  return n;
}
