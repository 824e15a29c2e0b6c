// The lexical scan (src/xml/parse.ts) is hand-written for speed; it must decide exactly as the one
// regular expression it replaced. That expression is kept here as the oracle, and random documents
// built from the characters that matter are scanned by both.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SamlGuardError } from '../../src/errors.js';
import { lexicalScan } from '../../src/xml/parse.js';

const ORACLE = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<!|<\?|&(?:(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z_][A-Za-z0-9._-]*);)?/g;
const PREDEFINED = new Set(['lt', 'gt', 'amp', 'quot', 'apos']);
const isXmlChar = (cp: number) => cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);

/** What the old scan decided: undefined (passes), or the code and offset of the first fault. */
function oracle(text: string): string | undefined {
  ORACLE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = ORACLE.exec(text)) !== null) {
    const s = m[0];
    if (s === '<?') return `XML_FORBIDDEN_CONSTRUCT@${m.index}`;
    if (s === '<!') return `${/^<![A-Za-z]/.test(text.slice(m.index, m.index + 10)) ? 'XML_FORBIDDEN_CONSTRUCT' : 'XML_MALFORMED'}@${m.index}`;
    if (s.charCodeAt(0) === 0x3c) continue;
    const ref = m[1];
    if (ref === undefined) return `XML_MALFORMED@${m.index}`;
    if (ref.charCodeAt(0) === 0x23) {
      const cp = ref.charCodeAt(1) === 0x78 ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!isXmlChar(cp)) return `XML_MALFORMED@${m.index}`;
    } else if (!PREDEFINED.has(ref)) return `XML_FORBIDDEN_CONSTRUCT@${m.index}`;
  }
  return undefined;
}

function scan(text: string): string | undefined {
  try {
    lexicalScan(text);
    return undefined;
  } catch (err) {
    if (!(err instanceof SamlGuardError)) throw err;
    const at = /at offset (\d+)/.exec(err.message)?.[1];
    return `${err.code}@${at}`;
  }
}

describe('lexical scan', () => {
  it.each([
    ['<r>&lt;&gt;&amp;&quot;&apos;</r>', undefined],
    ['<r>&#x41;&#65;&#x10FFFF;&#1114111;&#x9;</r>', undefined],
    ['<r><!-- & &bogus; <? --><![CDATA[& <!DOCTYPE]]></r>', undefined],
    ['<r>&#x;</r>', 'XML_MALFORMED@3'],
    ['<r>&#;</r>', 'XML_MALFORMED@3'],
    ['<r>&#X41;</r>', 'XML_MALFORMED@3'],
    ['<r>&#x1234567;</r>', 'XML_MALFORMED@3'],
    ['<r>&#12345678;</r>', 'XML_MALFORMED@3'],
    ['<r>&#x110000;</r>', 'XML_MALFORMED@3'],
    ['<r>&#0;</r>', 'XML_MALFORMED@3'],
    ['<r>&amp</r>', 'XML_MALFORMED@3'],
    ['<r>&amp ;</r>', 'XML_MALFORMED@3'],
    ['<r>&1a;</r>', 'XML_MALFORMED@3'],
    ['<r>&\u00e9;</r>', 'XML_MALFORMED@3'],
    ['<r>&_a.b-c9;</r>', 'XML_FORBIDDEN_CONSTRUCT@3'],
    ['<r>&nbsp;</r>', 'XML_FORBIDDEN_CONSTRUCT@3'],
    ['<r>&z;</r>', 'XML_FORBIDDEN_CONSTRUCT@3'],
    ['<r>&Z;</r>', 'XML_FORBIDDEN_CONSTRUCT@3'],
    ['<r>&a-b;</r>', 'XML_FORBIDDEN_CONSTRUCT@3'],
    ['<r>&a.b_c9;</r>', 'XML_FORBIDDEN_CONSTRUCT@3'],
    ['<r>& <!DOCTYPE x></r>', 'XML_MALFORMED@3'],
    ['<r><!DOCTYPE x> &</r>', 'XML_FORBIDDEN_CONSTRUCT@3'],
    ['<r><!-- a</r>', 'XML_MALFORMED@3'],
    ['<r><![CDATA[ a</r>', 'XML_MALFORMED@3'],
    ['<r><!- x --></r>', 'XML_MALFORMED@3'],
    ['<r><?pi x?></r>', 'XML_FORBIDDEN_CONSTRUCT@3'],
    ['<r><!-- --> &x; <?p?></r>', 'XML_FORBIDDEN_CONSTRUCT@12'],
  ])('%s → %s', (xml, expected) => {
    expect(scan(xml)).toBe(expected);
    expect(oracle(xml)).toBe(expected);
  });

  it('decides as the regular expression it replaced, on random markup', () => {
    const piece = fc.constantFrom('&', '#', 'x', 'X', ';', '0', '9', 'A', 'f', 'g', '_', '.', '-', 'é', ' ', '<', '!', '?', '[', ']', '>', '--', '<!--', '-->', '<![CDATA[', ']]>', '&amp;', '&#x41;', '&#1114111;', '&#x110000;', '&lt', 'DOCTYPE', '<?x', 'amp', 'quot', '&#', '&#x');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (parts) => {
        const text = `<r>${parts.join('')}</r>`;
        expect(scan(text)).toBe(oracle(text));
      }),
      { numRuns: 20_000 },
    );
  });
});
