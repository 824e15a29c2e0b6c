// Targeted cases for each rule of the three specs, small enough to read the expected octets by eye.
import type { Document, Element, Node } from '@xmldom/xmldom';
import * as xpath from 'xpath';
import { describe, expect, it } from 'vitest';
import { isSamlGuardError } from '../../src/errors.js';
import {
  type C14nAlgorithm,
  C14N,
  canonicalize,
  canonicalizeDocument,
  canonicalizeNodeSet,
  isC14nAlgorithm,
} from '../../src/c14n/index.js';
import { joinUriReferences, removeDotSegments } from '../../src/c14n/xmlbase.js';
import { parseXml } from './helpers.js';

const ALL = Object.values(C14N) as C14nAlgorithm[];

function root(xml: string): Element {
  return parseXml(xml).documentElement!;
}

function first(doc: Document | Element, localName: string): Element {
  const el = doc.getElementsByTagNameNS('*', localName)[0];
  if (el === undefined) throw new Error(`no <${localName}>`);
  return el;
}

describe('c14n: characters', () => {
  it('escapes text (& < > CR) and attributes (& < " TAB LF CR) differently', () => {
    const el = root(`<r a="&amp;&lt;&gt;&quot;'&#9;&#10;&#13;">&amp;&lt;&gt;"'&#13;&#9;&#10;</r>`);
    for (const alg of ALL) {
      expect(canonicalize(el, alg)).toBe(`<r a="&amp;&lt;>&quot;'&#x9;&#xA;&#xD;">&amp;&lt;&gt;"'&#xD;\t\n</r>`);
    }
  });

  it('renders CDATA as escaped text and keeps non-ASCII as characters', () => {
    expect(canonicalize(root('<r><![CDATA[<&>]]]]><![CDATA[>]]>\u00e9\u{1F600}</r>'), C14N.EXC)).toBe('<r>&lt;&amp;&gt;]]&gt;\u00e9\u{1F600}</r>');
  });

  it('keeps PIs, drops comments unless WithComments, and writes empty elements as start+end tags', () => {
    const el = root('<r><!--c--><?pi  d ?><?e?><x/></r>');
    expect(canonicalize(el, C14N.EXC)).toBe('<r><?pi d ?><?e?><x></x></r>');
    expect(canonicalize(el, C14N.C14N10)).toBe('<r><?pi d ?><?e?><x></x></r>');
    expect(canonicalize(el, C14N.EXC_WITH_COMMENTS)).toBe('<r><!--c--><?pi d ?><?e?><x></x></r>');
    expect(canonicalize(el, C14N.C14N11_WITH_COMMENTS)).toBe('<r><!--c--><?pi d ?><?e?><x></x></r>');
  });
});

describe('c14n: ordering', () => {
  it('sorts namespace declarations by prefix and attributes by (namespace URI, local name) in code-point order', () => {
    // U+FFFD < U+10000 by code point, although UTF-16 code units order them the other way round.
    const el = root('<r xmlns:b="urn:b" xmlns:a="urn:z" b:x="1" a:x="2" \u{10000}="4" \uFFFD="3" z="5" xmlns="urn:d"/>');
    const expected = '<r xmlns="urn:d" xmlns:a="urn:z" xmlns:b="urn:b" z="5" \uFFFD="3" \u{10000}="4" b:x="1" a:x="2"></r>';
    for (const alg of ALL) expect(canonicalize(el, alg)).toBe(expected);
  });
});

describe('c14n: namespaces', () => {
  const doc = `<p xmlns:x="urn:x" xmlns="urn:d" xmlns:unused="urn:u" xml:lang="en"><x:c><d/><x:e xmlns:x="urn:x"/></x:c></p>`;

  it('a namespace an element bound is unbound again for its following siblings (no stray xmlns="" after it)', () => {
    // The walks keep one namespace map and restore it after each element: a prefix that was unbound
    // before the element must read as unbound again, under every algorithm.
    const sib = parseXml('<r><a xmlns="urn:x" xmlns:p="urn:p"><p:b></p:b></a><c></c><p:d xmlns:p="urn:q"></p:d></r>').documentElement!;
    for (const alg of [C14N.EXC, C14N.C14N10, C14N.C14N11]) {
      expect(canonicalize(sib, alg), alg).toBe(
        alg === C14N.EXC
          ? '<r><a xmlns="urn:x"><p:b xmlns:p="urn:p"></p:b></a><c></c><p:d xmlns:p="urn:q"></p:d></r>'
          : '<r><a xmlns="urn:x" xmlns:p="urn:p"><p:b></p:b></a><c></c><p:d xmlns:p="urn:q"></p:d></r>',
      );
    }
  });

  it('exclusive: renders only visibly utilized namespaces and inherits no xml:* attribute', () => {
    expect(canonicalize(first(parseXml(doc), 'c'), C14N.EXC)).toBe('<x:c xmlns:x="urn:x"><d xmlns="urn:d"></d><x:e></x:e></x:c>');
  });

  it('inclusive: renders every in-scope namespace on the apex, drops superfluous redeclarations, imports xml:*', () => {
    const apex = first(parseXml(doc), 'c');
    const expected = '<x:c xmlns="urn:d" xmlns:unused="urn:u" xmlns:x="urn:x" xml:lang="en"><d></d><x:e></x:e></x:c>';
    expect(canonicalize(apex, C14N.C14N10)).toBe(expected);
    expect(canonicalize(apex, C14N.C14N11)).toBe(expected);
  });

  it('exclusive PrefixList: listed prefixes in scope are rendered once, #default names the default namespace', () => {
    const apex = first(parseXml(doc), 'c');
    expect(canonicalize(apex, C14N.EXC, { inclusivePrefixes: ['#default'] })).toBe('<x:c xmlns="urn:d" xmlns:x="urn:x"><d></d><x:e></x:e></x:c>');
    expect(canonicalize(apex, C14N.EXC, { inclusivePrefixes: ['unused', 'notInScope'] })).toBe(
      '<x:c xmlns:unused="urn:u" xmlns:x="urn:x"><d xmlns="urn:d"></d><x:e></x:e></x:c>',
    );
    // The inclusive algorithms take no PrefixList.
    expect(canonicalize(apex, C14N.C14N10, { inclusivePrefixes: ['#default'] })).toBe(canonicalize(apex, C14N.C14N10));
  });

  it('xmlns="" only undoes a non-empty default of the output parent, and is never repeated', () => {
    const d = parseXml('<r xmlns="urn:d"><a xmlns=""><b xmlns=""/></a><c xmlns="urn:d"/></r>');
    for (const alg of ALL) {
      expect(canonicalize(d.documentElement!, alg)).toBe('<r xmlns="urn:d"><a xmlns=""><b></b></a><c></c></r>');
      expect(canonicalize(first(d, 'a'), alg)).toBe('<a><b></b></a>');
    }
  });

  it('exclusive: a prefix rebound in a descendant is rendered again; an equal rebinding is not', () => {
    const el = root('<a:r xmlns:a="urn:1"><a:s xmlns:a="urn:2"><a:t xmlns:a="urn:2"/></a:s><a:u/></a:r>');
    expect(canonicalize(el, C14N.EXC)).toBe('<a:r xmlns:a="urn:1"><a:s xmlns:a="urn:2"><a:t></a:t></a:s><a:u></a:u></a:r>');
  });

  it('exclusive: declarations rendered on a sibling branch are not assumed by the next branch', () => {
    const el = root('<r xmlns:a="urn:a"><s><a:x/></s><t a:y="1"/></r>');
    expect(canonicalize(el, C14N.EXC)).toBe('<r><s><a:x xmlns:a="urn:a"></a:x></s><t xmlns:a="urn:a" a:y="1"></t></r>');
  });

  it('never renders the xml namespace, even when declared', () => {
    const el = root('<r xmlns:xml="http://www.w3.org/XML/1998/namespace" xml:lang="en"><c/></r>');
    for (const alg of ALL) expect(canonicalize(el, alg)).toBe('<r xml:lang="en"><c></c></r>');
  });
});

describe('c14n: xml:* attributes of an apex with omitted ancestors', () => {
  const doc = '<r xml:id="i" xml:lang="en" xml:space="preserve" xml:foo="f"><m xml:lang="fr"><c xml:lang="de"/></m></r>';

  it('Canonical XML 1.0 inherits every xml:* attribute (nearest wins, own wins)', () => {
    expect(canonicalize(first(parseXml(doc), 'c'), C14N.C14N10)).toBe('<c xml:foo="f" xml:id="i" xml:lang="de" xml:space="preserve"></c>');
    expect(canonicalize(first(parseXml(doc), 'm'), C14N.C14N10)).toBe(
      '<m xml:foo="f" xml:id="i" xml:lang="fr" xml:space="preserve"><c xml:lang="de"></c></m>',
    );
  });

  it('Canonical XML 1.1 inherits xml:lang and xml:space only (not xml:id)', () => {
    expect(canonicalize(first(parseXml(doc), 'c'), C14N.C14N11)).toBe('<c xml:lang="de" xml:space="preserve"></c>');
  });

  it('exclusive inherits nothing', () => {
    expect(canonicalize(first(parseXml(doc), 'c'), C14N.EXC)).toBe('<c xml:lang="de"></c>');
  });

  it('Canonical XML 1.1 joins xml:base of the omitted ancestors with the apex\'s own', () => {
    const d = parseXml('<a xml:base="http://example.org/today/"><b xml:base="../x/"><c xml:base="y"><e/></c></b></a>');
    expect(canonicalize(first(d, 'c'), C14N.C14N11)).toBe('<c xml:base="http://example.org/x/y"><e></e></c>');
    expect(canonicalize(first(d, 'b'), C14N.C14N11)).toBe('<b xml:base="http://example.org/x/"><c xml:base="y"><e></e></c></b>');
    expect(canonicalize(first(d, 'e'), C14N.C14N11)).toBe('<e xml:base="http://example.org/x/y"></e>');
    // 1.0 copies the nearest value verbatim instead.
    expect(canonicalize(first(d, 'e'), C14N.C14N10)).toBe('<e xml:base="y"></e>');
    // C14N 1.1 §2.4: with b and c omitted, d's xml:base is "../../x".
    expect(canonicalize(first(parseXml('<a><b xml:base=".."><c xml:base=".."><d xml:base="x"/></c></b></a>'), 'd'), C14N.C14N11)).toBe(
      '<d xml:base="../../x"></d>',
    );
    // An empty join renders no xml:base at all.
    expect(canonicalize(first(parseXml('<a xml:base="abc/"><b xml:base="../"/></a>'), 'b'), C14N.C14N11)).toBe('<b></b>');
  });

  it('Canonical XML 1.1 §3.8 example (document subset, as corrected by erratum E11-01)', () => {
    // The spec's DTD declares e2/@xml:space with default "preserve" and e3/@id as an ID; both are
    // written out here instead (xmldom's getElementById matches an attribute named "id").
    const d = parseXml(
      '<doc xmlns="http://www.ietf.org" xmlns:w3c="http://www.w3.org" xml:base="something/else">' +
        '<e1><e2 xmlns="" xml:id="abc" xml:base="bar/" xml:space="preserve"><e3 id="E3" xml:base="foo"/></e2></e1></doc>',
    );
    const expr =
      '(//. | //@*)[self::ietf:e1 or (parent::ietf:e1 and not(self::text() or self::e2)) or count(id("E3")|ancestor-or-self::node()) = count(ancestor-or-self::node())]';
    const members = new Set(xpath.useNamespaces({ ietf: 'http://www.ietf.org' })(expr, d as never) as unknown as Node[]);
    // e1's omitted parent carries xml:base, so e1 gets it; e3 joins only the omitted e2's value with its
    // own, as e1 (in the output) already carries the outer base.
    expect(canonicalizeNodeSet(d, C14N.C14N11, (n) => members.has(n))).toBe(
      '<e1 xmlns="http://www.ietf.org" xmlns:w3c="http://www.w3.org" xml:base="something/else"><e3 xmlns="" id="E3" xml:base="bar/foo" xml:space="preserve"></e3></e1>',
    );
    // Canonical XML 1.0 copies the nearest xml:* attributes verbatim, xml:id included.
    expect(canonicalizeNodeSet(d, C14N.C14N10, (n) => members.has(n))).toBe(
      '<e1 xmlns="http://www.ietf.org" xmlns:w3c="http://www.w3.org" xml:base="something/else"><e3 xmlns="" id="E3" xml:base="foo" xml:id="abc" xml:space="preserve"></e3></e1>',
    );
  });
});

describe('c14n: join-URI-References (C14N 1.1 §2.4)', () => {
  it('reproduces every row of Appendix A (modified remove_dot_segments)', () => {
    const rows: [string, string][] = [
      ['no/.././/pseudo-netpath/seg/file.ext', 'pseudo-netpath/seg/file.ext'],
      ['no/..//.///pseudo-netpath/seg/file.ext', 'pseudo-netpath/seg/file.ext'],
      ['yes/no//..//.///pseudo-netpath/seg/file.ext', 'yes/pseudo-netpath/seg/file.ext'],
      ['no/../yes', 'yes'],
      ['no/../yes/', 'yes/'],
      ['no/../yes/no/..', 'yes/'],
      ['../../no/../..', '../../../'],
      ['no/../..', '../'],
      ['no/..', ''],
      ['no/../', ''],
      ['/a/b/c/./../../g', '/a/g'],
      ['mid/content=5/../6', 'mid/6'],
      ['../../..', '../../../'],
      ['no/../../', '../'],
      ['..yes/..no/..no/..no/../../../..yes', '..yes/..yes'],
      ['..yes/..no/..no/..no/../../../..yes/', '..yes/..yes/'],
      ['../..', '../../'],
      ['../../../', '../../../'],
      ['.', ''],
      ['./', ''],
      ['./.', ''],
      ['//no/..', '/'],
      ['../../no/..', '../../'],
      ['../../no/../', '../../'],
      ['yes/no/../', 'yes/'],
      ['yes/no/no/../..', 'yes/'],
      ['yes/no/no/no/../../..', 'yes/'],
      ['yes/no/../yes/no/no/../..', 'yes/yes/'],
      ['yes/no/no/no/../../../yes', 'yes/yes'],
      ['yes/no/no/no/../../../yes/', 'yes/yes/'],
      ['/no/../', '/'],
      ['/yes/no/../', '/yes/'],
      ['/yes/no/no/../..', '/yes/'],
      ['/yes/no/no/no/../../..', '/yes/'],
      ['../../..no/..', '../../'],
      ['../../..no/../', '../../'],
      ['..yes/..no/../', '..yes/'],
      ['..yes/..no/..no/../..', '..yes/'],
      ['..yes/...no/..no/..no/../../..', '..yes/'],
      ['..yes/..no/../..yes/..no/..no/../..', '..yes/..yes/'],
      ['/..no/../', '/'],
      ['/..yes/..no/../', '/..yes/'],
      ['/..yes/..no/..no/../..', '/..yes/'],
      ['/..yes/..no/..no/..no/../../..', '/..yes/'],
      ['/', '/'],
      ['/.', '/'],
      ['/./', '/'],
      ['/./.', '/'],
      ['/././', '/'],
      ['/..', '/'],
      ['/../..', '/'],
      ['/../../..', '/'],
      ['//..', '/'],
      ['//..//..', '/'],
      ['//..//..//..', '/'],
      ['/./..', '/'],
      ['/./.././..', '/'],
      ['/./.././.././..', '/'],
      ['..', '../'],
      ['../', '../'],
    ];
    for (const [input, output] of rows) expect(removeDotSegments(input), input).toBe(output);
  });

  it('combines relative values into relative values', () => {
    expect(joinUriReferences('abc/', '../')).toBe('');
    expect(joinUriReferences('../', '../')).toBe('../../');
    expect(joinUriReferences('..', '..')).toBe('../../');
    expect(joinUriReferences('bar/', 'foo')).toBe('bar/foo');
    expect(joinUriReferences('something/else', 'bar/')).toBe('something/bar/');
    expect(joinUriReferences('a/', 'b#fragment')).toBe('a/b');
    expect(joinUriReferences('ignored/base', 'http://example.org/a/b')).toBe('http://example.org/a/b');
    expect(joinUriReferences('http://h/p/q?x', '?y')).toBe('http://h/p/q?y');
    expect(joinUriReferences('http://h', 'r')).toBe('http://h/r');
  });
});

describe('c14n: document', () => {
  it('drops the XML declaration and DOCTYPE and puts line feeds around top-level comments and PIs', () => {
    const d = parseXml('<?xml version="1.0"?>\n<!--a-->\n<?p  x ?>\n<!DOCTYPE r>\n<r><!--in--></r>\n<!--b-->\n<?q?>\n');
    expect(canonicalizeDocument(d, C14N.C14N10_WITH_COMMENTS)).toBe('<!--a-->\n<?p x ?>\n<r><!--in--></r>\n<!--b-->\n<?q?>');
    expect(canonicalizeDocument(d, C14N.C14N10)).toBe('<?p x ?>\n<r></r>\n<?q?>');
    expect(canonicalizeDocument(d, C14N.EXC, { exclude: d.documentElement })).toBe('<?p x ?>\n\n<?q?>');
  });

  it('node-set with every node equals the document/subtree fast paths', () => {
    const d = parseXml('<!--a--><r xmlns="urn:r" xmlns:p="urn:p" xml:lang="en"><p:s a="1" p:b="2"><!--c--><t xmlns="">x</t></p:s></r><?z?>');
    for (const alg of ALL) {
      expect(canonicalizeNodeSet(d, alg, () => true)).toBe(canonicalizeDocument(d, alg));
      const s = first(d, 's');
      expect(canonicalizeNodeSet(s, alg, () => true)).toBe(canonicalize(s, alg));
    }
  });
});

describe('c14n: exclude', () => {
  const saml =
    '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="r"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">i</saml:Issuer>' +
    '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature><samlp:Status/></samlp:Response>';

  it('leaves out the excluded subtree (and nothing else) without touching the DOM', () => {
    const d = parseXml(saml);
    const signature = first(d, 'Signature');
    const expected =
      '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="r"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">i</saml:Issuer><samlp:Status></samlp:Status></samlp:Response>';
    expect(canonicalize(d.documentElement!, C14N.EXC, { exclude: signature })).toBe(expected);
    expect(signature.parentNode).toBe(d.documentElement);
    expect(canonicalize(d.documentElement!, C14N.EXC)).toContain('<ds:Signature');
  });

  it('excluding the apex itself yields nothing', () => {
    const d = parseXml(saml);
    expect(canonicalize(d.documentElement!, C14N.C14N10, { exclude: d.documentElement })).toBe('');
  });
});

describe('c14n: API', () => {
  it('recognizes exactly the six algorithm URIs', () => {
    for (const alg of ALL) expect(isC14nAlgorithm(alg)).toBe(true);
    expect(isC14nAlgorithm('http://www.w3.org/2001/10/xml-exc-c14n')).toBe(false);
    expect(isC14nAlgorithm('http://www.w3.org/2006/12/xml-c14n11#')).toBe(false);
    expect(isC14nAlgorithm('')).toBe(false);
  });

  it('refuses an unknown algorithm and node types it cannot render', () => {
    const d = parseXml('<r/>');
    expect(() => canonicalize(d.documentElement!, 'urn:nope' as C14nAlgorithm)).toThrowError(
      expect.toSatisfy((e: unknown) => isSamlGuardError(e, 'ALGORITHM_NOT_ALLOWED')),
    );
    // xmldom will not put an EntityReference under an element, so disguise a text node as one.
    const node = d.documentElement!.appendChild(d.createTextNode('x'));
    Object.defineProperty(node, 'nodeType', { value: 5 });
    for (const alg of ALL) {
      expect(() => canonicalize(d.documentElement!, alg)).toThrowError(expect.toSatisfy((e: unknown) => isSamlGuardError(e, 'XML_FORBIDDEN_CONSTRUCT')));
    }
  });
});

describe('c14n: many namespace declarations (the sort and scope handling stay linear-time and exact)', () => {
  const decls = (prefixes: string[]) => prefixes.map((p) => ` xmlns:${p}="urn:${p}"`).join('');
  const names = Array.from({ length: 300 }, (_, i) => 'p' + String(i).padStart(3, '0'));
  const sorted = names.map((p) => ` xmlns:${p}="urn:${p}"`).join('');

  it('sorts hundreds of declarations by prefix whatever their document order (inclusive apex)', () => {
    for (const order of [names, [...names].reverse(), [...names].sort(() => 0).map((_, i, a) => a[(i * 7) % a.length]!)]) {
      const el = root(`<r xmlns="urn:d"${decls(order)}><c/></r>`);
      expect(canonicalize(el, C14N.C14N10)).toBe(`<r xmlns="urn:d"${sorted}><c></c></r>`);
    }
  });

  it('renders the declarations an apex inherits, sorted, under inclusive c14n', () => {
    const doc = parseXml(`<r${decls([...names].reverse())}><s:c xmlns:s="urn:s"/></r>`);
    expect(canonicalize(first(doc, 'c'), C14N.C14N11)).toBe(`<s:c${sorted.replace(' xmlns:p299="urn:p299"', ' xmlns:p299="urn:p299" xmlns:s="urn:s"')}></s:c>`);
  });

  it('sorts many visibly utilized prefixes under exclusive c14n and renders each once', () => {
    const used = [...names].reverse();
    const el = root(`<r${decls(used)}${used.map((p) => ` ${p}:a="1"`).join('')}${used.map((p) => ` ${p}:b="2"`).join('')}/>`);
    const attrsOut = names.map((p) => ` ${p}:a="1" ${p}:b="2"`).join('');
    expect(canonicalize(el, C14N.EXC)).toBe(`<r${sorted}${attrsOut}></r>`);
  });

  it('restores the namespace scope after each element, so siblings and later subtrees see their own', () => {
    const xml = `<r xmlns:a="urn:1"><x xmlns:a="urn:2" a:k="v"><y a:k="v"/></x><z a:k="v"/><w xmlns:b="urn:b"/><v b:k="v" xmlns:b="urn:b"/></r>`;
    const el = root(xml);
    expect(canonicalize(el, C14N.C14N10)).toBe(
      '<r xmlns:a="urn:1"><x xmlns:a="urn:2" a:k="v"><y a:k="v"></y></x><z a:k="v"></z><w xmlns:b="urn:b"></w><v xmlns:b="urn:b" b:k="v"></v></r>',
    );
    expect(canonicalize(el, C14N.EXC)).toBe(
      '<r><x xmlns:a="urn:2" a:k="v"><y a:k="v"></y></x><z xmlns:a="urn:1" a:k="v"></z><w></w><v xmlns:b="urn:b" b:k="v"></v></r>',
    );
    expect(canonicalize(el, C14N.EXC, { inclusivePrefixes: ['a', 'b'] })).toBe(
      '<r xmlns:a="urn:1"><x xmlns:a="urn:2" a:k="v"><y a:k="v"></y></x><z a:k="v"></z><w xmlns:b="urn:b"></w><v xmlns:b="urn:b" b:k="v"></v></r>',
    );
  });
});


describe('c14n: orderings and omissions the mutation run showed unguarded', () => {
  it('attributes are ordered by code point, not UTF-16 unit: U+FFFD sorts before U+10000', () => {
    const el = root('<r a\u{10000}="1" a\uFFFD="2" b="3"/>');
    for (const alg of ALL) expect(canonicalize(el, alg)).toBe('<r a\uFFFD="2" a\u{10000}="1" b="3"></r>');
  });

  it('namespace prefixes too: U+FFFD before U+10000, in both sort paths (few and many declarations)', () => {
    const few = root('<r xmlns:p\u{10000}="urn:1" xmlns:p\uFFFD="urn:2"/>');
    expect(canonicalize(few, C14N.C14N10)).toBe('<r xmlns:p\uFFFD="urn:2" xmlns:p\u{10000}="urn:1"></r>');
    const names = [...Array.from({ length: 10 }, (_, i) => `q${i}`), 'p\u{10000}', 'p\uFFFD'];
    const many = root(`<r ${names.map((n) => `xmlns:${n}="urn:${n}"`).join(' ')}/>`);
    const out = canonicalize(many, C14N.C14N10);
    expect(out.indexOf('xmlns:p\uFFFD')).toBeLessThan(out.indexOf('xmlns:p\u{10000}'));
  });

  it('a declaration of the xml prefix is never rendered (inclusive and exclusive)', () => {
    const el = root('<r xmlns:xml="http://www.w3.org/XML/1998/namespace"><c xmlns:xml="http://www.w3.org/XML/1998/namespace" xml:lang="en"/></r>');
    for (const alg of ALL) expect(canonicalize(el, alg)).toBe('<r><c xml:lang="en"></c></r>');
  });
});
