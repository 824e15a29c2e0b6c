// The escaping of Canonical XML 1.0 §2.3, checked character by character against the rule as written.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeAttr, escapeText } from '../../src/c14n/escape.js';

const TEXT: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };
const ATTR: Record<string, string> = { '&': '&amp;', '<': '&lt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' };
const byRule = (table: Record<string, string>) => (s: string) => [...s].map((c) => table[c] ?? c).join('');

describe('c14n escaping', () => {
  it('text: & < > CR, and nothing else (not " TAB LF)', () => {
    expect(escapeText('a&b<c>d\re"f\tg\nh&amp;')).toBe('a&amp;b&lt;c&gt;d&#xD;e"f\tg\nh&amp;amp;');
    expect(escapeText('plain')).toBe('plain');
  });
  it('attributes: & < " TAB LF CR, and nothing else (not >)', () => {
    expect(escapeAttr('a&b<c>d\re"f\tg\nh&lt;')).toBe('a&amp;b&lt;c>d&#xD;e&quot;f&#x9;g&#xA;h&amp;lt;');
    expect(escapeAttr('plain')).toBe('plain');
  });
  it('equals the rule applied one character at a time, on any string', () => {
    const s = fc.array(fc.constantFrom('&', '<', '>', '"', "'", '\t', '\n', '\r', 'a', '#', ';', 'x', 'é', '😀', '&amp;', '&#xD;'), { maxLength: 400 }).map((p) => p.join(''));
    fc.assert(
      fc.property(s, (v) => {
        expect(escapeText(v)).toBe(byRule(TEXT)(v));
        expect(escapeAttr(v)).toBe(byRule(ATTR)(v));
      }),
      { numRuns: 3_000 },
    );
  });
});
