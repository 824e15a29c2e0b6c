// Canonicalization edges, each pinned so that weakening the rule fails a test: the escaping of Canonical
// XML 1.0 §2.3 (checked character by character against the rule as written), output larger than a chunk,
// namespace rendering below the apex, the PrefixList, and top-level nodes of a document.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize, canonicalizeDocument, C14N, withoutComments } from '../../src/c14n/index.js';
import { escapeAttr, escapeText } from '../../src/c14n/escape.js';
import { compareCodePoints } from '../../src/c14n/shared.js';
import { parseXml } from '../../src/xml/parse.js';

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

describe('canonical output larger than one chunk', () => {
  it('is the whole output, in order, whatever its size', async () => {
    // Already canonical: exclusive c14n must give back exactly the input, across many 16 KB chunks.
    for (const n of [1, 500, 5_000]) {
      const xml = `<r>${Array.from({ length: n }, (_, i) => `<e a="${i}">t&amp;${i}</e>`).join('')}</r>`;
      expect(canonicalize(parseXml(xml).root, C14N.EXC)).toBe(xml);
      expect(canonicalize(parseXml(xml).root, C14N.C14N10)).toBe(xml);
    }
  });
});

describe('inclusive c14n below the apex (checked against xmllint --c14n)', () => {
  it('renders xmlns="" where the parent had a default namespace, and never xmlns:xml', async () => {
    const xml = '<r xmlns="urn:x"><c xmlns=""/><d xmlns:xml="http://www.w3.org/XML/1998/namespace" xml:lang="en"/></r>';
    const expected = '<r xmlns="urn:x"><c xmlns=""></c><d xml:lang="en"></d></r>';
    expect(canonicalize(parseXml(xml).root, C14N.C14N10)).toBe(expected);
    expect(canonicalize(parseXml(xml).root, C14N.C14N11)).toBe(expected);
  });
});

describe('exclusive c14n with #default in the PrefixList', () => {
  it('renders xmlns="" on a prefixed element whose default namespace was undeclared (Canonical XML rule)', async () => {
    const root = parseXml('<r xmlns="urn:x"><p:c xmlns:p="urn:p" xmlns=""/></r>').root;
    expect(canonicalize(root, C14N.EXC, { inclusivePrefixes: ['#default'] })).toBe('<r xmlns="urn:x"><p:c xmlns="" xmlns:p="urn:p"></p:c></r>');
    // Without it the default namespace is not visibly used by p:c, and nothing is rendered for it.
    expect(canonicalize(root, C14N.EXC)).toBe('<r xmlns="urn:x"><p:c xmlns:p="urn:p"></p:c></r>');
  });
});

describe('the c14n entry points', () => {
  it("a PrefixList entry '' is no prefix, unlike #default", async () => {
    const c = parseXml('<r xmlns="urn:d"><p:c xmlns:p="urn:p"/></r>').root.firstChild as never;
    expect(canonicalize(c, C14N.EXC, { inclusivePrefixes: [''] })).toBe('<p:c xmlns:p="urn:p"></p:c>');
    expect(canonicalize(c, C14N.EXC, { inclusivePrefixes: ['', 'xml', 'xmlns'] })).toBe('<p:c xmlns:p="urn:p"></p:c>');
    expect(canonicalize(c, C14N.EXC, { inclusivePrefixes: ['#default'] })).toBe('<p:c xmlns="urn:d" xmlns:p="urn:p"></p:c>');
  });

  it('a document with the root excluded keeps the line feeds of the top-level nodes after it (C14N 1.0 §2.3)', async () => {
    const { document, root } = parseXml('<!--a--><r/><!--b-->');
    expect(canonicalizeDocument(document as never, C14N.C14N10_WITH_COMMENTS)).toBe('<!--a-->\n<r></r>\n<!--b-->');
    expect(canonicalizeDocument(document as never, C14N.C14N10_WITH_COMMENTS, { exclude: root as never })).toBe('<!--a-->\n\n<!--b-->');
    expect(canonicalizeDocument(document as never, C14N.C14N10)).toBe('<r></r>');
  });

  it('withoutComments maps each #WithComments algorithm to its plain form', async () => {
    expect(withoutComments(C14N.EXC_WITH_COMMENTS)).toBe(C14N.EXC);
    expect(withoutComments(C14N.C14N10_WITH_COMMENTS)).toBe(C14N.C14N10);
    expect(withoutComments(C14N.C14N11_WITH_COMMENTS)).toBe(C14N.C14N11);
    expect(withoutComments(C14N.EXC)).toBe(C14N.EXC);
  });
});

describe('the c14n entry points, continued', () => {
  it('a top-level comment left out before the root does not move the line feeds of the others', async () => {
    const { document } = parseXml('<!--a--><!--b--><r/>');
    expect(canonicalizeDocument(document as never, C14N.C14N10_WITH_COMMENTS, { exclude: document.firstChild as never })).toBe('<!--b-->\n<r></r>');
  });
  it('xml in a PrefixList renders nothing, even where xmlns:xml was written out', async () => {
    const c = parseXml('<r xmlns:xml="http://www.w3.org/XML/1998/namespace"><c/></r>').root.firstChild as never;
    expect(canonicalize(c, C14N.EXC, { inclusivePrefixes: ['xml'] })).toBe('<c></c>');
  });
});

describe('code-point order (compareCodePoints)', () => {
  it('orders by code point, not by UTF-16 unit, at every boundary of the surrogate remapping', async () => {
    // Ascending code points: BMP below the surrogates, the top of the BMP, then astral characters.
    const ascending = ['\u0041', '\uC000', '\uD7FF', '\uE000', '\uFFFD', '\u{10000}', '\u{1F600}'];
    for (let i = 0; i < ascending.length; i++) {
      for (let j = 0; j < ascending.length; j++) {
        const got = Math.sign(compareCodePoints(`urn:${ascending[i]}x`, `urn:${ascending[j]}y`));
        expect(got, `${i} vs ${j}`).toBe(i === j ? -1 : Math.sign(i - j));
      }
    }
    expect(compareCodePoints('urn:a', 'urn:a')).toBe(0);
    expect(Math.sign(compareCodePoints('urn:a', 'urn:ab'))).toBe(-1);
    expect(Math.sign(compareCodePoints('urn:ab', 'urn:a'))).toBe(1);
  });

  it('sorts attributes by namespace URI in code-point order in canonical output', async () => {
    const xml = '<r xmlns:a="urn:\uE000" xmlns:b="urn:\uC000" xmlns:c="urn:\u{10000}" a:x="1" c:z="3" b:y="2"/>';
    expect(canonicalize(parseXml(xml).root, C14N.C14N10)).toBe('<r xmlns:a="urn:\uE000" xmlns:b="urn:\uC000" xmlns:c="urn:\u{10000}" b:y="2" a:x="1" c:z="3"></r>');
  });
});

describe('the namespace map after a sibling', () => {
  it('a default namespace declared on one child does not leak to the next (xmlns="" there is superfluous)', async () => {
    const root = parseXml('<r><a xmlns="urn:d"/><b xmlns=""/><p:c xmlns:p="urn:p"/><d/></r>').root;
    for (const alg of [C14N.C14N10, C14N.C14N11, C14N.EXC]) {
      expect(canonicalize(root, alg), alg).toBe('<r><a xmlns="urn:d"></a><b></b><p:c xmlns:p="urn:p"></p:c><d></d></r>');
    }
    expect(canonicalize(root, C14N.EXC, { inclusivePrefixes: ['#default', 'p'] })).toBe('<r><a xmlns="urn:d"></a><b></b><p:c xmlns:p="urn:p"></p:c><d></d></r>');
  });
});
