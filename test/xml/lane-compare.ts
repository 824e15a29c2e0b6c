// Comparing the parser lane with the xmldom lane on one input: used by the differential suite and by
// every run of the mutation fuzzer (npm run fuzz), so millions of inputs can be compared, not only CI's.
import { spawnSync } from 'node:child_process';
import { C14N, canonicalize, canonicalizeDocument, type C14nAlgorithm } from '../../src/c14n/index.js';
import { SamlGuardError } from '../../src/index.js';
import { parseWithLane, resolveLimits, type ParsedXml } from '../../src/xml/parse.js';
import { parseWithXmldom } from '../../src/xml/parse-xmldom.js';

const LIMITS = resolveLimits(undefined);

export type Outcome = { code: string } | { parsed: ParsedXml };

export function run(parse: typeof parseWithLane, xml: string | Uint8Array): Outcome {
  try {
    return { parsed: parse(xml, LIMITS) };
  } catch (err) {
    if (!(err instanceof SamlGuardError)) throw err;
    return { code: err.code };
  }
}

export const decision = (o: Outcome): string => ('code' in o ? o.code : 'accepted');

const nil = (v: string | null | undefined): string | null => (v === undefined || v === '' ? null : v);

interface NodeLike {
  nodeType: number;
  nodeName: string;
  localName?: string | null;
  prefix?: string | null;
  namespaceURI?: string | null;
  data?: string;
  firstChild: NodeLike | null;
  nextSibling: NodeLike | null;
  attributes?: ArrayLike<{ name: string; localName: string | null; prefix: string | null; namespaceURI: string | null; value: string }>;
}

/** A tree as one string: everything a consumer of the parse may read, in document order. */
export function picture(doc: unknown): string {
  let out = '';
  const walk = (n: NodeLike, top: boolean): void => {
    if (n.nodeType === 1) {
      out += `<${n.nodeName}|${nil(n.localName)}|${nil(n.prefix)}|${nil(n.namespaceURI)}`;
      for (const a of Array.from(n.attributes ?? [])) out += ` ${a.name}|${nil(a.localName)}|${nil(a.prefix)}|${nil(a.namespaceURI)}=${JSON.stringify(a.value)}`;
      out += '>';
      for (let c = n.firstChild; c !== null; c = c.nextSibling) walk(c, false);
      out += '</>';
    } else if (n.nodeType === 9) {
      // Whitespace outside the root is not part of the data model; neither lane keeps it.
      for (let c = n.firstChild; c !== null; c = c.nextSibling) if (!(c.nodeType === 3 && /^\s*$/.test(c.data ?? ''))) walk(c, true);
    } else out += `{${n.nodeType}${top ? '^' : ''}:${JSON.stringify(n.data)}}`;
  };
  walk(doc as NodeLike, true);
  return out;
}

export const ALGORITHMS: readonly C14nAlgorithm[] = [C14N.EXC, C14N.C14N10, C14N.C14N11, C14N.EXC_WITH_COMMENTS];

/** The canonical bytes of the document and of every ID-carrying element (what references digest). */
export function canonicalForms(p: ParsedXml, algorithms: readonly C14nAlgorithm[] = ALGORITHMS): string {
  let out = '';
  for (const alg of algorithms) out += `doc ${alg}\n${canonicalizeDocument(p.document, alg)}\n`;
  for (const [id, el] of p.ids) for (const alg of algorithms) out += `#${id} ${alg}\n${canonicalize(el, alg)}\n`;
  return out;
}

/**
 * Both lanes on one input. Returns undefined when they agree (same decision; when accepted the same tree,
 * ID index and canonical bytes), 'stricter' when only the lane refuses (XML_MALFORMED where xmldom
 * recovers: the caller confirms with libxml2), or a description of the disagreement.
 */
export function compareLanes(xml: string | Uint8Array, algorithms: readonly C14nAlgorithm[] = ALGORITHMS): { lane: Outcome; difference?: string } {
  const lane = run(parseWithLane, xml);
  const ref = run(parseWithXmldom, xml);
  const [a, b] = [decision(lane), decision(ref)];
  if (a !== b) return { lane, difference: a === 'XML_MALFORMED' && b === 'accepted' ? 'stricter' : `decision: lane ${a}, xmldom ${b}` };
  if ('parsed' in lane && 'parsed' in ref) {
    if (picture(lane.parsed.document) !== picture(ref.parsed.document)) return { lane, difference: 'tree' };
    if ([...lane.parsed.ids.keys()].join('\n') !== [...ref.parsed.ids.keys()].join('\n')) return { lane, difference: 'ID index' };
    if (canonicalForms(lane.parsed, algorithms) !== canonicalForms(ref.parsed, algorithms)) return { lane, difference: 'canonical bytes' };
  }
  return { lane };
}

/** Whether Debian's xmllint (libxml2-utils) is installed. */
export function xmllintPresent(): boolean {
  return spawnSync('xmllint', ['--version']).status === 0;
}

/** Whether libxml2 refuses the document: a parser error, or a namespace error (reported with exit 0). */
export function libxml2Refuses(xml: string | Uint8Array): boolean {
  const r = spawnSync('xmllint', ['--noout', '--nonet', '-'], { input: xml, encoding: 'utf8' });
  return r.status !== 0 || /(parser|namespace) error/.test(r.stderr);
}
