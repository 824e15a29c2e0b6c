// The parser lane against the xmldom lane it replaced, and both against libxml2: on every document we
// have (fixtures, the shared interop corpus, generated documents; mutation-fuzzed real responses go
// through the same comparison in test/fuzz, 20 000 in CI and millions with npm run fuzz) the
// two lanes must make the same accept/refuse decision with the same code, build the same tree, and
// produce the same canonical bytes for every signed element; the canonical bytes must be libxml2's.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { encryptElement } from '../../fixtures/encrypt.js';
import { signedResponse } from '../../fixtures/saml.js';
import { C14N, canonicalizeDocument } from '../../src/c14n/index.js';
import { parseWithLane } from '../../src/xml/parse.js';
import { parseWithXmldom } from '../../src/xml/parse-xmldom.js';
import { interopPath } from '../interop/corpus.js';
import { compareLanes, libxml2Refuses, picture, run, xmllintPresent, type Outcome } from './lane-compare.js';

const xmllint = xmllintPresent();
if (!xmllint && !process.env.CI) console.warn('[samlguard] lane differential: xmllint (Debian libxml2-utils) is not installed; the libxml2 comparisons are skipped.');

/**
 * Both lanes on one input: the same decision, and when accepted the same tree, ID index and canonical
 * bytes. The one difference allowed: the lane refuses, as not well-formed, a document xmldom accepts and
 * libxml2 refuses too (`<a x="1"/ >`, two prefixes for one attribute, `]]>` in text…).
 */
function agree(xml: string | Uint8Array, label: string): Outcome {
  const { lane, difference } = compareLanes(xml);
  if (difference === 'stricter' && xmllint && libxml2Refuses(xml)) return lane;
  if (difference !== undefined) {
    const ref = run(parseWithXmldom, xml);
    const detail = 'parsed' in lane && 'parsed' in ref ? `\nlane:   ${picture(lane.parsed.document).slice(0, 2000)}\nxmldom: ${picture(ref.parsed.document).slice(0, 2000)}` : '';
    expect.fail(`${label}: the lanes differ (${difference})${detail}`);
  }
  return lane;
}

function corpusFiles(): Array<[string, string]> {
  const root = interopPath();
  if (!existsSync(root)) return [];
  const out: Array<[string, string]> = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(xml|xsd)$/i.test(name)) out.push([p.slice(root.length), readFileSync(p, 'utf8')]);
    }
  };
  walk(root);
  return out;
}

const SP = loadKeyPair('rsa3072');
const generated: Array<[string, string]> = [
  ['assertion-signed', signedResponse({ attributes: { groups: ['a', 'b'], 'urn:x': ['é', '<&>"\'', ' spaced  \t out '] } })],
  ['both-signed', signedResponse({ inResponseTo: '_r' }, { sign: 'both' })],
  ['c14n-1.0', signedResponse({}, { canonicalization: C14N.C14N10 })],
  ['prefix-list', signedResponse({}, { inclusivePrefixes: ['xs', 'xsi'], signedInfoInclusivePrefixes: ['xs'] })],
  ['ecdsa', signedResponse({}, { keyName: 'ec-p256', signatureAlgorithm: 'ecdsa-sha256' })],
  ['encrypted', encryptElement(signedResponse(), 'Assertion', { recipient: SP.certificatePem })],
];

describe('the lane and xmldom agree on every document we have', () => {
  const corpus = corpusFiles();
  if (corpus.length === 0 && !process.env.CI) console.warn('[samlguard] lane differential: ../shared/interop is absent; the corpus part is skipped.');
  it.runIf(corpus.length > 0 || process.env.CI)('the shared interop corpus (real IdP responses, metadata, W3C vectors)', () => {
    expect(corpus.length).toBeGreaterThan(50);
    let accepted = 0;
    for (const [name, xml] of corpus) if ('parsed' in agree(xml, name)) accepted++;
    expect(accepted).toBeGreaterThan(40);
  });

  it.each(generated)('generated: %s', (name, xml) => {
    expect('parsed' in agree(xml, name)).toBe(true);
    expect('parsed' in agree(new TextEncoder().encode(xml), `${name} (bytes)`)).toBe(true);
  });

});

// Generated documents: names, prefixes bound to shared and distinct URIs, attribute values and text
// with every character class that needs care (references, whitespace, CR, markup characters).
const NAMES = ['a', 'B', 'x-y', 'n.1', '_u', 'é', 'Assertion'];
const URIS = ['urn:a', 'urn:b', 'http://www.w3.org/2000/09/xmldsig#', ''];
const textChar = fc.constantFrom('a', ' ', '\t', '\n', '\r', '\r\n', '&amp;', '&lt;', '&gt;', '&quot;', '&apos;', '&#9;', '&#10;', '&#13;', '&#x20;', '>', '"', "'", 'é', '😀', '\u2028', '\u0085', ']]', ']');

const tree: fc.Arbitrary<string> = fc.letrec((tie) => ({
  element: fc
    .record({
      prefix: fc.constantFrom('', 'p', 'q'),
      name: fc.constantFrom(...NAMES),
      decls: fc.array(fc.tuple(fc.constantFrom('', 'p', 'q'), fc.constantFrom(...URIS)), { maxLength: 3 }),
      attrs: fc.array(fc.tuple(fc.constantFrom('', 'p:', 'q:', 'xml:'), fc.constantFrom(...NAMES, 'ID', 'lang'), fc.array(textChar, { maxLength: 6 }), fc.boolean()), { maxLength: 3 }),
      kids: fc.array(tie('node'), { maxLength: 3 }),
    })
    .map(({ prefix, name, decls, attrs, kids }) => {
      const qn = prefix ? `${prefix}:${name}` : name;
      const d = decls.map(([p, u]) => (p ? ` xmlns:${p}="${u}"` : ` xmlns="${u}"`)).join('');
      const a = attrs.map(([p, n, v, single]) => ` ${p}${n}=${single ? `'${v.join('').replace(/'/g, '&apos;')}'` : `"${v.join('').replace(/"/g, '&quot;')}"`}`).join('');
      return `<${qn}${d}${a}>${kids.join('')}</${qn}>`;
    }),
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.array(textChar, { maxLength: 5 }).map((t) => t.join('').replace(/"|'/g, 'q')),
    fc.string({ maxLength: 6 }).map((t) => `<!--${t}-->`),
    fc.string({ maxLength: 6 }).map((t) => `<![CDATA[${t}]]>`),
    tie('element'),
  ),
})).element;

describe('generated documents', () => {
  it('both lanes agree on 3 000 generated documents (well-formed or not)', () => {
    fc.assert(
      fc.property(tree, fc.constantFrom('', '<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-8"?>\n', '\uFEFF', ' '), (body, head) => {
        agree(head + `<root xmlns:p="urn:a" xmlns:q="urn:b">${body}</root>`, 'generated');
      }),
      { numRuns: 3_000 },
    );
  });
});

describe('parser-differential techniques, by name', () => {
  const sig = (inner: string) => `<r xmlns:ds="http://www.w3.org/2000/09/xmldsig#">${inner}</r>`;
  const cases: Array<[string, string]> = [
    ['namespace redeclaration on the signed element', sig('<ds:S xmlns:ds="urn:other" ID="a"><ds:X/></ds:S>')],
    ['default namespace undeclared inside', '<r xmlns="urn:a"><s xmlns=""><t/></s></r>'],
    ['attribute value normalisation of tabs and newlines', '<r a="x\ty\nz\r\nw"/>'],
    ['&#9; &#10; &#13; in attributes are kept', '<r a="x&#9;y&#10;z&#13;w"/>'],
    ['&#13; vs a literal CR in text', '<r>a&#13;b\rc\r\nd</r>'],
    ['comments at a NameID boundary', '<r><NameID>user@example.com<!---->.evil.com</NameID></r>'],
    ['CDATA at a NameID boundary', '<r><NameID><![CDATA[user@]]>example.com</NameID></r>'],
    ['a BOM and XML declaration', '\uFEFF<?xml version="1.0" encoding="utf-8" standalone="yes"?><r/>'],
    ['an XML declaration not at the start', ' <?xml version="1.0"?><r/>'],
    ['a Latin-1 encoding declaration', '<?xml version="1.0" encoding="ISO-8859-1"?><r/>'],
    ['NUL', '<r>a\u0000b</r>'],
    ['&#0;', '<r>a&#0;b</r>'],
    ['a lone surrogate', '<r>a\uD800b</r>'],
    ['U+FFFE', '<r>a\uFFFEb</r>'],
    ['duplicate attributes', '<r a="1" a="2"/>'],
    ['duplicate attributes through prefixes bound to the same URI', '<r xmlns:p="urn:x" xmlns:q="urn:x" p:a="1" q:a="2"/>'],
    ['an unbound prefix', '<p:r/>'],
    ['an unbound attribute prefix', '<r p:a="1"/>'],
    ['undeclaring a prefix', '<r xmlns:p="urn:x"><s xmlns:p=""/></r>'],
    ['binding xml to another URI', '<r xmlns:xml="urn:x"/>'],
    ['binding xmlns', '<r xmlns:xmlns="urn:x"/>'],
    ['a DOCTYPE', '<!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>'],
    ['a processing instruction', '<r><?pi x?></r>'],
    ['a bare ampersand', '<r>a & b</r>'],
    ['< in an attribute value', '<r a="<"/>'],
    [']]> in text', '<r>a]]>b</r>'],
    ['-- in a comment', '<r><!-- a -- b --></r>'],
    ['two roots', '<r/><s/>'],
    ['text after the root', '<r/>x'],
    ['mismatched end tag', '<r></s>'],
    ['unclosed element', '<r><s></r>'],
    ['attributes without whitespace between', '<r a="1"b="2"/>'],
    ['an unquoted attribute', '<r a=1/>'],
    ['a QName with two colons', '<a:b:c xmlns:a="urn:a"/>'],
    ['a QName whose local part starts with a digit', '<r xmlns:xsi="urn:x" xsi:9ype="a"/>'],
    ['NEL and LS are not line ends in XML 1.0', '<r a="x\u0085y\u2028z">\u0085\u2028</r>'],
    ['junk in an end tag', '<a><b></b x></a>'],
    ['an end tag after the root closed', '<a/></a>'],
    ['whitespace around = and mixed quotes', '<r a = "1" b= \'2\' c ="3"\n d\t=\t"4"/>'],
    ['an element with the xml prefix', '<r><xml:a xml:lang="en"/></r>'],
    ['the xml prefix bound to its own namespace', '<r xmlns:xml="http://www.w3.org/XML/1998/namespace" xml:lang="en"/>'],
    ['binding a prefix to the xmlns namespace', '<r xmlns:p="http://www.w3.org/2000/xmlns/"/>'],
    ['a slash not closing the tag', '<a><b/x></a>'],
    ['text around an empty CDATA section is one text node', '<r>a<![CDATA[]]>b<![CDATA[]]>c</r>'],
    ['whitespace after the root', '<r/>\n \t'],
    ['an element name with an empty prefix', '<:a/>'],
    ['an element name with an empty local part', '<a:/>'],
    ['an attribute name with an empty prefix', '<r :b="1"/>'],
    ['nine attributes, one repeated', `<r ${Array.from({ length: 9 }, (_, i) => `a${i}="${i}"`).join(' ')} a3="x"/>`],
    ['nine attributes, two with one expanded name', `<r xmlns:p="urn:x" xmlns:q="urn:x" ${Array.from({ length: 9 }, (_, i) => `a${i}="${i}"`).join(' ')} p:z="1" q:z="2"/>`],
    ['nine attributes, distinct', `<r xmlns:p="urn:x" xmlns:q="urn:y" ${Array.from({ length: 9 }, (_, i) => `a${i}="${i}"`).join(' ')} p:z="1" q:z="2"/>`],
  ];
  it.each(cases)('%s: both lanes decide alike (or the lane refuses with libxml2)', (_name, xml) => {
    agree(xml, _name);
  });

  const laneRefuses: Array<[string, string]> = [
    ['duplicate attributes through prefixes bound to the same URI', '<r xmlns:p="urn:x" xmlns:q="urn:x" p:a="1" q:a="2"/>'],
    ['binding xml to another URI', '<r xmlns:xml="urn:x"/>'],
    ['binding another prefix to the xml namespace', '<r xmlns:x="http://www.w3.org/XML/1998/namespace"/>'],
    ['binding xmlns', '<r xmlns:xmlns="urn:x"/>'],
    [']]> in text', '<r>a]]>b</r>'],
    ['"/ >" closing a tag', '<r a="1"/ >'],
    ['"//>" closing a tag', '<r a="1"//>'],
    ['binding a prefix to the xmlns namespace', '<r xmlns:p="http://www.w3.org/2000/xmlns/"/>'],
    ['nine attributes, two with one expanded name', `<r xmlns:p="urn:x" xmlns:q="urn:x" ${Array.from({ length: 9 }, (_, i) => `a${i}="${i}"`).join(' ')} p:z="1" q:z="2"/>`],
    ['an element name with an empty prefix', '<:a/>'],
    ['an element name with an empty local part', '<a:/>'],
    ['junk in an end tag', '<a><b></b x></a>'],
    ['an end tag after the root closed', '<a/></a>'],
    ['a slash not closing the tag', '<a><b/x></a>'],
    ['a QName with two colons', '<a:b:c xmlns:a="urn:a"/>'],
    ['an empty prefix where a default namespace is declared', '<:a xmlns="urn:x"/>'],
    ['an attribute run into the next name', '<a><b c="1"x></a>'],
    ['an attribute without =', '<r a!"1"/>'],
    ['an unquoted value before a quoted one', "<r a=1 b='2'/>"],
    ['an attribute value never closed', '<r a="1/>'],
    ['a start tag never closed', '<r a="1"'],
  ];
  it.each(laneRefuses)('%s: the lane refuses it as not well-formed', (_name, xml) => {
    expect(run(parseWithLane, xml)).toEqual({ code: 'XML_MALFORMED' });
  });
});

describe.runIf(xmllint || process.env.CI)("the lane's canonical bytes are libxml2's (xmllint --exc-c14n / --c14n)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'samlguard-lane-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const documents = [...generated, ...corpusFiles().filter(([n]) => /response\.xml$|metadata\.xml$/.test(n))];
  it('every fixture and corpus document, under exclusive and inclusive c14n with comments', () => {
    expect(xmllint, 'xmllint is missing: apt-get install libxml2-utils').toBe(true);
    let compared = 0;
    for (const [name, xml] of documents) {
      const lane = run(parseWithLane, xml);
      if (!('parsed' in lane)) continue;
      const file = join(dir, 'doc.xml');
      writeFileSync(file, xml);
      for (const [flag, alg] of [['--exc-c14n', C14N.EXC_WITH_COMMENTS], ['--c14n', C14N.C14N10_WITH_COMMENTS]] as const) {
        const expected = execFileSync('xmllint', [flag, file], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
        expect(canonicalizeDocument(lane.parsed.document, alg), `${name} ${flag}`).toBe(expected);
      }
      compared++;
    }
    expect(compared).toBeGreaterThan(5);
  });
});

describe("the lane's DOM surface reads as xmldom's does", () => {
  const docs = [
    signedResponse({ attributes: { groups: ['a', 'b'], 'urn:x': ['é<&>'] } }),
    '<r xmlns="urn:d" xmlns:p="urn:p" a="1" p:b="2" xml:lang="en"><!--c--><p:s>t<![CDATA[c]]>u<e/></p:s><s p:b="3"/>x</r>',
    '<r a="1"><s xmlns="urn:d"><t xmlns=""/></s></r>',
  ];
  type AnyNode = Record<string, unknown> & { nodeType: number; firstChild: AnyNode | null; nextSibling: AnyNode | null };
  const call = (n: AnyNode, m: string, ...args: unknown[]) => (n[m] as (...a: unknown[]) => unknown).apply(n, args);
  const names = (list: unknown) => Array.from(list as ArrayLike<{ nodeName: string }>, (n) => n.nodeName).join(',');
  function surface(n: AnyNode): unknown[] {
    const out: unknown[] = [n.nodeType, n.nodeName, n.nodeType === 9 ? null : n.textContent, call(n, 'hasChildNodes'), (n.childNodes as ArrayLike<unknown>).length];
    if (n.nodeType === 3 || n.nodeType === 4 || n.nodeType === 8) out.push(n.nodeValue, n.data, n.length);
    if (n.nodeType === 9) out.push(n.textContent ?? null);
    if (n.nodeType === 1 || n.nodeType === 9) {
      out.push(names(call(n, 'getElementsByTagName', '*')), names(call(n, 'getElementsByTagName', 'p:s')), names(call(n, 'getElementsByTagNameNS', '*', 's')), names(call(n, 'getElementsByTagNameNS', 'urn:d', '*')), names(call(n, 'getElementsByTagNameNS', null, 't')));
      const kids = n.childNodes as ArrayLike<AnyNode> & { item(i: number): AnyNode | null };
      out.push(kids.item(0)?.nodeName ?? null, kids.item(99) ?? null);
    }
    if (n.nodeType === 1) {
      out.push(n.tagName, n.localName, n.prefix ?? null, n.namespaceURI);
      out.push(call(n, 'getAttribute', 'a'), call(n, 'getAttribute', 'p:b'), call(n, 'hasAttribute', 'a'), call(n, 'hasAttribute', 'zz'), call(n, 'getAttributeNS', 'urn:p', 'b'), call(n, 'hasAttributeNS', 'urn:p', 'b'), call(n, 'hasAttributeNS', 'urn:p', 'zz'));
      out.push(call(n, 'getAttributeNS', 'http://www.w3.org/XML/1998/namespace', 'lang'), call(n, 'getAttributeNS', '', 'a'), call(n, 'getAttributeNS', 'urn:p', 'a'), call(n, 'getAttributeNS', null, 'b'));
      const attrs = n.attributes as ArrayLike<AnyNode> & { item(i: number): AnyNode | null };
      for (let i = 0; i < attrs.length; i++) {
        const a = attrs.item(i)!;
        out.push(a.nodeType, a.nodeName, a.nodeValue, a.textContent, a.specified, (a.ownerElement as AnyNode | null)?.nodeName);
      }
      out.push(attrs.item(attrs.length) ?? null);
    }
    for (let c = n.firstChild; c !== null; c = c.nextSibling) out.push(surface(c), (c.parentNode as AnyNode).nodeName, (c.previousSibling as AnyNode | null)?.nodeName ?? null, (c.ownerDocument as AnyNode).nodeName);
    return out;
  }
  it.each(docs.map((d, i) => [i, d]))('document %i', (_i, xml) => {
    const lane = run(parseWithLane, xml as string);
    const ref = run(parseWithXmldom, xml as string);
    if (!('parsed' in lane) || !('parsed' in ref)) throw new Error('both must parse');
    expect(surface(lane.parsed.document as unknown as AnyNode)).toEqual(surface(ref.parsed.document as unknown as AnyNode));
    expect((lane.parsed.root as unknown as AnyNode).lastChild).toBeDefined();
  });

  it("the empty namespace is null, as the DOM standard says (xmldom's getElementsByTagNameNS differs)", () => {
    const p = run(parseWithLane, '<r a="1" xmlns:p="urn:p" p:a="2"><s xmlns="urn:d"><t xmlns=""/></s></r>');
    if (!('parsed' in p)) throw new Error('must parse');
    const root = p.parsed.root;
    expect(Array.from(root.getElementsByTagNameNS('', 't'), (e) => e.nodeName)).toEqual(['t']);
    expect(root.getAttributeNS('', 'a')).toBe('1');
    expect(root.getAttributeNS('urn:p', 'a')).toBe('2');
    expect(root.getAttributeNS('urn:other', 'a')).toBeNull();
  });
});
