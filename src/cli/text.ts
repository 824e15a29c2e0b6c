/**
 * Text helpers for everything the CLI prints. Every string that comes from a SAML document is hostile
 * until shown otherwise: it may carry terminal escape sequences (ESC[…), bidirectional overrides that
 * make "alice" display as another name, or megabytes of padding. {@link safe} neutralises all three.
 */

/** Control characters, bidi controls and zero-width characters: shown as \u{…} escapes, never emitted raw. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;

/** Bound for strings in human output (a terminal line or two). */
export const HUMAN_MAX = 200;
/** Bound for strings in --json output: generous, but still bounded (the parser allows 1 MiB of input). */
export const JSON_MAX = 4096;

/**
 * Make a document-supplied string safe to print: unsafe characters escaped, length bounded to `max`
 * characters (the rest replaced by a count, so truncation is never silent).
 */
export function safe(value: string, max = HUMAN_MAX): string {
  const clipped = value.length > max ? `${value.slice(0, max)}… (+${value.length - max} chars)` : value;
  return clipped.replace(UNSAFE, (c) => `\\u{${c.charCodeAt(0).toString(16).padStart(4, '0')}}`);
}

/** Bound a string for JSON output; JSON.stringify escapes C0 controls, {@link jsonStringify} the rest. */
export function bounded(value: string, max = JSON_MAX): string {
  return value.length > max ? `${value.slice(0, max)}… (+${value.length - max} chars)` : value;
}

/**
 * JSON for stdout. Beyond what JSON.stringify escapes, C1 controls and bidi/line separators are written
 * as \uXXXX too, so `cat`-ing the JSON in a terminal cannot be turned against the reader.
 */
export function jsonStringify(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** ANSI styling, or identity functions when colour is off. */
export interface Style {
  readonly ok: (s: string) => string;
  readonly bad: (s: string) => string;
  readonly warn: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

const sgr = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const plain = (s: string): string => s;

/** A {@link Style}: ANSI colours when `enabled`, plain text otherwise. */
export function makeStyle(enabled: boolean): Style {
  return enabled
    ? { ok: sgr(32, 39), bad: sgr(31, 39), warn: sgr(33, 39), dim: sgr(2, 22), bold: sgr(1, 22) }
    : { ok: plain, bad: plain, warn: plain, dim: plain, bold: plain };
}

/**
 * Whether to colour a stream: only a TTY, never when NO_COLOR is set to a non-empty value
 * (https://no-color.org) or when the terminal says it cannot (TERM=dumb).
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}

/** How far `deltaMs` lies from now, e.g. "3 min ago", "in 4 min". */
export function relative(deltaMs: number): string {
  const s = Math.round(Math.abs(deltaMs) / 1000);
  const text = s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : s < 172_800 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86_400)} days`;
  return deltaMs < 0 ? `${text} ago` : `in ${text}`;
}

/** An instant with its distance from `now`: "2026-01-15T10:05:00.000Z (in 4 min)". */
export function when(ms: number, now: number): string {
  return `${new Date(ms).toISOString()} (${relative(ms - now)})`;
}

/** "7.3 KB" style sizes. */
export function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const ALGORITHM_NAMES: Readonly<Record<string, string>> = {
  'http://www.w3.org/2001/10/xml-exc-c14n#': 'exc-c14n',
  'http://www.w3.org/2001/10/xml-exc-c14n#WithComments': 'exc-c14n-with-comments',
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315': 'c14n-1.0',
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments': 'c14n-1.0-with-comments',
  'http://www.w3.org/2006/12/xml-c14n11': 'c14n-1.1',
  'http://www.w3.org/2006/12/xml-c14n11#WithComments': 'c14n-1.1-with-comments',
};

/** The short name of an algorithm URI: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" → "rsa-sha256". */
export function algorithmName(uri: string | undefined): string {
  if (uri === undefined) return '(none)';
  const known = Object.hasOwn(ALGORITHM_NAMES, uri) ? ALGORITHM_NAMES[uri] : undefined;
  if (known !== undefined) return known;
  const hash = uri.lastIndexOf('#');
  return safe(hash >= 0 && hash < uri.length - 1 ? uri.slice(hash + 1) : uri, 100);
}

/** A two-column "label  value" block, continuation lines aligned under the value. */
export function rows(entries: ReadonlyArray<readonly [string, string | readonly string[]]>, indent = '  ', width?: number): string[] {
  const w = width ?? Math.max(0, ...entries.map(([k]) => k.length)) + 2;
  const out: string[] = [];
  for (const [key, value] of entries) {
    const lines = typeof value === 'string' ? [value] : value.length === 0 ? [''] : value;
    lines.forEach((line, i) => out.push(`${indent}${(i === 0 ? key : '').padEnd(w)}${line}`.trimEnd()));
  }
  return out;
}
