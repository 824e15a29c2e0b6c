// Reading configuration values: every factory validates its options once, at creation, with these, so a
// bad value is a CONFIG_INVALID naming the option, never a failure later on the request path. Optional
// settings accept null as "not set" (configuration often arrives as JSON).
import { SamlGuardError } from '../errors.js';
import type { Clock } from '../types.js';

export function invalid(message: string): SamlGuardError {
  return new SamlGuardError('CONFIG_INVALID', message);
}

export function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${name} must be a non-empty string.`);
  return value;
}

/** Optional options accept null as "not set" (configuration often comes from JSON, where absent is null). */
export function optionalString(value: unknown, name: string): string | undefined {
  return value === undefined || value === null ? undefined : nonEmptyString(value, name);
}

export function optionalSeconds(value: unknown, name: string, fallback?: number): number | undefined {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw invalid(`${name} must be a non-negative number of seconds.`);
  return value;
}

export function checkClock(value: unknown, name: string): Clock | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'function') return value as Clock;
  if (typeof value === 'string') {
    // An ISO 8601 instant with an explicit zone, e.g. "2026-01-15T10:00:00Z" (as JSON configuration gives it).
    const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(value) ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(ms)) throw invalid(`${name} must be a Date, epoch milliseconds, an ISO 8601 instant with a zone, or a function returning a Date or number.`);
    return ms;
  }
  if (value instanceof Date ? Number.isNaN(value.getTime()) : typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid(`${name} must be a valid Date, epoch milliseconds, or a function returning one.`);
  }
  return value as Clock;
}

export function readClock(clock: Clock | undefined): number {
  if (clock === undefined) return Date.now();
  const v = typeof clock === 'function' ? clock() : clock;
  const ms = v instanceof Date ? v.getTime() : v;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw invalid('now returned an invalid time.');
  return ms;
}

