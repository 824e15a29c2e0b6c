// Property tests over random namespace-well-formed XML: idempotence of every algorithm, exclusive c14n's
// independence from unused ancestor declarations, `exclude` being equivalent to removing the node,
// and canonicalization never touching the DOM.
import type { Element, Node } from '@xmldom/xmldom';
import { XMLSerializer } from '@xmldom/xmldom';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type C14nAlgorithm, C14N, canonicalize, canonicalizeNodeSet } from '../../src/c14n/index.js';
import { parseXml } from './helpers.js';

const ALGORITHMS = Object.values(C14N) as C14nAlgorithm[];
const RUNS = 200;

const URIS = ['urn:a', 'urn:b', 'http://example.com/ns?x=1&y="2"', 'urn:üñí', 'urn:oasis:names:tc:SAML:2.0:assertion'];
const PREFIXES = ['a', 'b', 'saml', 'ds', 'p\u00e9'];
const NAMES = ['e', 'f', 'Assertion', 'x-y', 'z.1', '\u00fc', '\u{10000}', '\uFFFD'];
const XML_ATTRS = ['lang', 'space', 'id', 'base'];

// Characters allowed in XML 1.0 content, weighted towards the ones canonicalization must escape or
// that parsers normalize.
const charArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('&', '<', '>', '"', "'", '\r', '\n', '\t', ' ', ']', '-', '?', '\r\n') },
  { weight: 3, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCodePoint(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0xa0, max: 0xd7ff }).map((c) => String.fromCodePoint(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0xe000, max: 0xfffd }).map((c) => String.fromCodePoint(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)) },
);
const textArb = fc.string({ unit: charArb, maxLength: 12 });

type Leaf =
  | { kind: 'text'; value: string }
  | { kind: 'cdata'; value: string }
  | { kind: 'comment'; value: string }
  | { kind: 'pi'; target: string; value: string };

interface GenElement {
  kind: 'element';
  name: string;
  prefix: number | null; // index into PREFIXES; null = unprefixed (whatever default is in scope)
  uri: number; // index into URIS, used if the prefix must be declared here
  decls: { prefix: number | null; uri: number | null }[]; // prefix null = default; uri null = xmlns=""
  attrs: { prefix: number | 'xml' | null; local: string; value: string }[];
  children: (GenElement | Leaf)[];
}

const leafArb: fc.Arbitrary<Leaf> = fc.oneof(
  { weight: 4, arbitrary: textArb.map((value) => ({ kind: 'text' as const, value })) },
  { weight: 1, arbitrary: fc.constantFrom('\n  ', '  ', '\n').map((value) => ({ kind: 'text' as const, value })) },
  { weight: 1, arbitrary: textArb.map((value) => ({ kind: 'cdata' as const, value })) },
  { weight: 1, arbitrary: textArb.map((value) => ({ kind: 'comment' as const, value })) },
  { weight: 1, arbitrary: fc.record({ target: fc.constantFrom('pi', 'x-y', 'target'), value: textArb }).map((r) => ({ kind: 'pi' as const, ...r })) },
);

const attrArb = fc.record({
  prefix: fc.oneof(fc.constant(null), fc.constant('xml' as const), fc.nat(PREFIXES.length - 1)),
  local: fc.constantFrom('a', 'b', 'ID', 'Version', 'z', ...XML_ATTRS),
  value: textArb,
});

function elementArb(depth: number): fc.Arbitrary<GenElement> {
  const child = depth <= 0 ? leafArb : fc.oneof({ weight: 2, arbitrary: leafArb }, { weight: 1, arbitrary: elementArb(depth - 1) });
  return fc.record({
    kind: fc.constant('element' as const),
    name: fc.constantFrom(...NAMES),
    prefix: fc.option(fc.nat(PREFIXES.length - 1), { freq: 2 }),
    uri: fc.nat(URIS.length - 1),
    decls: fc.array(fc.record({ prefix: fc.option(fc.nat(PREFIXES.length - 1)), uri: fc.option(fc.nat(URIS.length - 1), { freq: 4 }) }), { maxLength: 2 }),
    attrs: fc.array(attrArb, { maxLength: 3 }),
    children: fc.array(child, { maxLength: depth <= 0 ? 2 : 4 }),
  });
}

const docArb = elementArb(4);

function escText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}
function escAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

/** Serialize, adding the namespace declarations the generated names need (namespace-well-formed). */
function serialize(el: GenElement, scope: ReadonlyMap<string, string> = new Map()): string {
  const decls = new Map<string, string>();
  for (const d of el.decls) {
    const p = d.prefix === null ? '' : PREFIXES[d.prefix]!;
    // Only the default namespace can be undeclared in XML 1.0 namespaces.
    if (decls.has(p) || (p !== '' && d.uri === null)) continue;
    decls.set(p, d.uri === null ? '' : URIS[d.uri]!);
  }
  const lookup = (p: string) => (decls.has(p) ? decls.get(p) : scope.get(p));
  const prefix = el.prefix === null ? '' : PREFIXES[el.prefix]!;
  if (prefix !== '' && !lookup(prefix)) decls.set(prefix, URIS[el.uri]!);
  const attrs: string[] = [];
  const seen = new Set<string>();
  for (const a of el.attrs) {
    let qname: string;
    let expanded: string;
    if (a.prefix === null) {
      qname = a.local;
      expanded = '|' + a.local;
    } else if (a.prefix === 'xml') {
      qname = 'xml:' + a.local;
      expanded = 'xml|' + a.local;
    } else {
      const p = PREFIXES[a.prefix]!;
      if (!lookup(p)) decls.set(p, URIS[el.uri]!);
      qname = p + ':' + a.local;
      expanded = lookup(p) + '|' + a.local;
    }
    if (seen.has(qname) || seen.has(expanded)) continue;
    seen.add(qname).add(expanded);
    attrs.push(` ${qname}="${escAttr(a.value)}"`);
  }
  const childScope = new Map(scope);
  for (const [p, u] of decls) childScope.set(p, u);
  const qname = prefix === '' ? el.name : prefix + ':' + el.name;
  let out = '<' + qname;
  for (const [p, u] of decls) out += p === '' ? ` xmlns="${escAttr(u)}"` : ` xmlns:${p}="${escAttr(u)}"`;
  out += attrs.join('') + '>';
  for (const c of el.children) {
    switch (c.kind) {
      case 'element':
        out += serialize(c, childScope);
        break;
      case 'text':
        out += escText(c.value);
        break;
      case 'cdata':
        out += c.value === '' ? '' : `<![CDATA[${c.value.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
        break;
      case 'comment':
        out += `<!--${c.value.replace(/-+/g, '-').replace(/-$/, '_')}-->`;
        break;
      case 'pi':
        out += `<?${c.target} ${c.value.replace(/\?>/g, '? >')}?>`;
        break;
    }
  }
  return out + '</' + qname + '>';
}

function elementsOf(root: Element): Element[] {
  const out: Element[] = [];
  const walk = (el: Element) => {
    out.push(el);
    for (let c = el.firstChild; c !== null; c = c.nextSibling) if (c.nodeType === 1) walk(c as Element);
  };
  walk(root);
  return out;
}

describe('c14n properties (fast-check)', () => {
  it('the generator produces well-formed XML', () => {
    fc.assert(
      fc.property(docArb, (tree) => {
        expect(() => parseXml(serialize(tree))).not.toThrow();
      }),
      { numRuns: RUNS },
    );
  });

  it('is idempotent for every algorithm: c14n(parse(c14n(x))) === c14n(x), for the document element and any subtree', () => {
    fc.assert(
      fc.property(docArb, fc.nat(), (tree, pick) => {
        const doc = parseXml(serialize(tree));
        const elements = elementsOf(doc.documentElement!);
        const apexes = [doc.documentElement!, elements[pick % elements.length]!];
        for (const algorithm of ALGORITHMS) {
          for (const apex of apexes) {
            const once = canonicalize(apex, algorithm);
            const twice = canonicalize(parseXml(once).documentElement!, algorithm);
            expect(twice).toBe(once);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('exclusive c14n of a subtree does not depend on unused ancestor namespace declarations', () => {
    const wrapperArb = fc.array(
      fc.record({ prefix: fc.option(fc.nat(PREFIXES.length - 1), { freq: 4 }), uri: fc.nat(URIS.length - 1) }),
      { minLength: 1, maxLength: 4 },
    );
    fc.assert(
      fc.property(docArb, wrapperArb, wrapperArb, (tree, outerDecls, innerDecls) => {
        // The subtree declares (or undeclares) its own default namespace, so an ancestor's default
        // cannot change what its unprefixed names mean; prefixed names are always declared inside it.
        const subtree = serialize({ ...tree, decls: [{ prefix: null, uri: null }, ...tree.decls.filter((d) => d.prefix !== null)] });
        const declare = (decls: { prefix: number | null; uri: number }[]) =>
          [...new Map(decls.map((d) => [d.prefix === null ? 'xmlns' : `xmlns:${PREFIXES[d.prefix]}`, URIS[d.uri]!])).entries()]
            .map(([name, uri]) => ` ${name}="${escAttr(uri)}"`)
            .join('');
        const wrapped = `<w:outer xmlns:w="urn:wrapper"${declare(outerDecls)} xml:lang="en"><inner${declare(innerDecls)}>${subtree}</inner></w:outer>`;
        const standalone = parseXml(subtree).documentElement!;
        const embedded = parseXml(wrapped).documentElement!.firstChild!.firstChild as Element;
        for (const algorithm of [C14N.EXC, C14N.EXC_WITH_COMMENTS] as const) {
          expect(canonicalize(embedded, algorithm)).toBe(canonicalize(standalone, algorithm));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('the general node-set path agrees with the subtree fast path (apex + descendants − excluded subtree)', () => {
    const within = (ancestor: Node, node: Node) => {
      for (let n: Node | null = node; n !== null; n = n.parentNode ?? (n as { ownerElement?: Node | null }).ownerElement ?? null) if (n === ancestor) return true;
      return false;
    };
    fc.assert(
      fc.property(docArb, fc.nat(), fc.nat(), fc.constantFrom(...ALGORITHMS), fc.subarray(['#default', ...PREFIXES]), (tree, pickApex, pickVictim, algorithm, prefixes) => {
        const doc = parseXml(serialize(tree));
        const elements = elementsOf(doc.documentElement!);
        const apex = elements[pickApex % elements.length]!;
        const below = elementsOf(apex).slice(1);
        const victim = below.length > 0 ? below[pickVictim % below.length]! : null;
        const isIncluded = (n: Node) => within(apex, n) && (victim === null || !within(victim, n));
        const options = { inclusivePrefixes: prefixes };
        expect(canonicalizeNodeSet(doc, algorithm, isIncluded, options)).toBe(canonicalize(apex, algorithm, { ...options, exclude: victim }));
      }),
      { numRuns: RUNS },
    );
  });

  it('`exclude` gives the same octets as removing the node, and never modifies the DOM', () => {
    const serializer = new XMLSerializer();
    fc.assert(
      fc.property(docArb, fc.nat(), fc.constantFrom(...ALGORITHMS), (tree, pick, algorithm) => {
        const doc = parseXml(serialize(tree));
        const root = doc.documentElement!;
        const descendants = elementsOf(root).slice(1);
        fc.pre(descendants.length > 0);
        const victim = descendants[pick % descendants.length]!;
        const before = serializer.serializeToString(doc);
        const excluded = canonicalize(root, algorithm, { exclude: victim });
        expect(serializer.serializeToString(doc)).toBe(before);
        victim.parentNode!.removeChild(victim);
        expect(excluded).toBe(canonicalize(root, algorithm));
      }),
      { numRuns: RUNS },
    );
  });
});
