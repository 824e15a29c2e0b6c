// A seeded mutation fuzzer for signed SAML responses. It mutates bytes (flip, delete, duplicate a run)
// and structure (delete, duplicate, move or wrap an element; add, drop, duplicate or edit an attribute;
// edit text; insert a comment), then holds the verifier to its contract: every outcome is either the
// identity of the unmodified response or a SamlGuardError, never another exception, never a different
// identity, and never slow.
import { DOMParser, XMLSerializer, type Document, type Element, type Node } from '@xmldom/xmldom';
import { SamlGuardError, type VerifiedAssertion } from '../../src/index.js';
import { ALGORITHMS, compareLanes } from '../xml/lane-compare.js';

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;

const SNIPPETS = ['<!--x-->', '&amp;', '&#x20;', '<![CDATA[x]]>', ' ', '\n', '\t', 'mallory', '"', "'", '<', '>', '&', '\u0000', '\uFFFF', 'xmlns:saml="urn:evil"', '<?pi x?>', '<!DOCTYPE r>', '&lt;', '\u00e9', '\u{1F600}', '=', '#', ':'];
const VALUES = ['', ' ', 'urn:evil', '#_evil', '2099-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'mallory@example.com', '_a0b1', 'urn:oasis:names:tc:SAML:2.0:cm:bearer', 'http://www.w3.org/2000/09/xmldsig#rsa-sha1'];

function bytesMutation(xml: string, r: () => number): string {
  const i = Math.floor(r() * xml.length);
  const len = 1 + Math.floor(r() * Math.min(64, xml.length - i));
  switch (Math.floor(r() * 5)) {
    case 0: // flip one character to a printable or special one
      return xml.slice(0, i) + String.fromCharCode(32 + Math.floor(r() * 95)) + xml.slice(i + 1);
    case 1:
      return xml.slice(0, i) + xml.slice(i + len);
    case 2:
      return xml.slice(0, i) + xml.slice(i, i + len) + xml.slice(i);
    case 3:
      return xml.slice(0, i) + pick(r, SNIPPETS) + xml.slice(i);
    default: {
      // swap two runs
      const j = Math.floor(r() * xml.length);
      const [a, b] = i < j ? [i, j] : [j, i];
      const l = Math.min(len, b - a);
      return xml.slice(0, a) + xml.slice(b, b + l) + xml.slice(a + l, b) + xml.slice(a, a + l) + xml.slice(b + l);
    }
  }
}

function elements(doc: Document): Element[] {
  const out: Element[] = [];
  const walk = (n: Node) => {
    for (let c = n.firstChild; c !== null; c = c.nextSibling) {
      if (c.nodeType === 1) {
        out.push(c as Element);
        walk(c);
      }
    }
  };
  walk(doc);
  return out;
}

// Parsing the seed once and cloning it per mutation keeps the fuzzer's own cost below the verifier's.
const parsedSeeds = new Map<string, Document>();

function seedDocument(xml: string): Document | undefined {
  let doc = parsedSeeds.get(xml);
  if (doc === undefined) {
    try {
      doc = new DOMParser({ onError: () => undefined }).parseFromString(xml, 'text/xml');
    } catch {
      return undefined;
    }
    if (parsedSeeds.size > 256) parsedSeeds.clear();
    parsedSeeds.set(xml, doc);
  }
  return doc.cloneNode(true) as Document;
}

function structureMutation(xml: string, r: () => number): string | undefined {
  const doc = seedDocument(xml);
  if (doc === undefined) return undefined;
  const els = elements(doc);
  if (els.length < 2) return undefined;
  const el = pick(r, els.slice(1));
  const other = pick(r, els);
  switch (Math.floor(r() * 10)) {
    case 0:
      el.parentNode!.removeChild(el);
      break;
    case 1:
      el.parentNode!.insertBefore(el.cloneNode(true), r() < 0.5 ? el : el.nextSibling);
      break;
    case 2:
      if (other === el || isAncestor(el, other)) return undefined;
      other.insertBefore(el, r() < 0.5 ? other.firstChild : null);
      break;
    case 3: {
      // wrap the element in a copy of another (the signature-wrapping shape)
      if (isAncestor(el, other) || other === el) return undefined;
      const wrapper = other.cloneNode(false) as Element;
      el.parentNode!.replaceChild(wrapper, el);
      wrapper.appendChild(el);
      break;
    }
    case 4: {
      const attrs = el.attributes;
      if (attrs.length === 0) return undefined;
      el.removeAttributeNode(attrs.item(Math.floor(r() * attrs.length))!);
      break;
    }
    case 5: {
      const attrs = el.attributes;
      if (attrs.length === 0) return undefined;
      const a = attrs.item(Math.floor(r() * attrs.length))!;
      if (a.name.startsWith('xmlns')) return undefined;
      a.value = pick(r, VALUES);
      break;
    }
    case 6:
      el.setAttribute(pick(r, ['ID', 'Id', 'xml:id', 'Recipient', 'NotBefore', 'NotOnOrAfter', 'Format', 'URI', 'Algorithm']), pick(r, VALUES));
      break;
    case 7: {
      const text = el.firstChild;
      if (text === null || text.nodeType !== 3) el.appendChild(doc.createTextNode(pick(r, VALUES)));
      else (text as unknown as { data: string }).data = pick(r, VALUES);
      break;
    }
    case 8:
      el.insertBefore(doc.createComment('fuzz'), r() < 0.5 ? el.firstChild : null);
      break;
    default: {
      // swap with the other element
      if (other === el || isAncestor(el, other) || isAncestor(other, el) || other.parentNode === null) return undefined;
      const marker = doc.createComment('m');
      el.parentNode!.replaceChild(marker, el);
      other.parentNode.replaceChild(el, other);
      marker.parentNode!.replaceChild(other, marker);
    }
  }
  return new XMLSerializer().serializeToString(doc);
}

function isAncestor(a: Node, b: Node): boolean {
  for (let n: Node | null = b.parentNode; n !== null; n = n.parentNode) if (n === a) return true;
  return false;
}

// The DOM library may refuse an edit (or misbehave on one); that is the mutator's problem, not the
// verifier's, so such an edit is simply not made.
function tryStructure(xml: string, r: () => number): string | undefined {
  try {
    return structureMutation(xml, r);
  } catch {
    return undefined;
  }
}

/** One to three mutations of `xml`: at most one structural edit (of the seed itself), then byte edits. */
export function mutate(xml: string, r: () => number): string {
  let out = xml;
  let n = 1 + Math.floor(r() * 3);
  if (r() < 0.5) {
    const edited = tryStructure(xml, r);
    if (edited !== undefined) {
      out = edited;
      n--;
    }
  }
  for (let k = 0; k < n; k++) out = bytesMutation(out, r);
  return out;
}

/** What an accepted identity may legitimately differ in: which signatures covered it (an unsigned wrapper may lose its own). */
export function comparable(identity: VerifiedAssertion): unknown {
  const { signature, ...rest } = identity;
  return JSON.parse(JSON.stringify({ ...rest, signature: { algorithm: signature.algorithm, digest: signature.digest, certificateFingerprint: signature.certificateFingerprint } }));
}

export interface FuzzSeed {
  readonly name: string;
  readonly xml: string;
  readonly verify: (xml: string) => Promise<VerifiedAssertion>;
}

export interface FuzzFinding {
  readonly seed: string;
  readonly run: number;
  readonly kind: 'exception' | 'different-identity' | 'slow' | 'parser-differential';
  readonly detail: string;
  readonly input: string;
}

export interface FuzzReport {
  readonly runs: number;
  readonly accepted: number;
  readonly refused: Record<string, number>;
  readonly maxMs: number;
  readonly findings: FuzzFinding[];
  /** Inputs only the parser lane refused (XML_MALFORMED where xmldom recovers): confirm each with libxml2. */
  readonly laneStricter: string[];
}

/** Run `runs` mutations spread over the seeds. A run over `slowMs` is retried twice and counts if all three are slow. */
export async function fuzz(seeds: readonly FuzzSeed[], runs: number, seed = 1, slowMs = 200): Promise<FuzzReport> {
  const r = rng(seed);
  const baselines = await Promise.all(seeds.map(async (s) => comparable(await s.verify(s.xml))));
  const refused: Record<string, number> = {};
  const findings: FuzzFinding[] = [];
  const laneStricter: string[] = [];
  let accepted = 0;
  let maxMs = 0;
  for (let i = 0; i < runs; i++) {
    const k = i % seeds.length;
    const s = seeds[k]!;
    const input = mutate(s.xml, r);
    // The parser lane and the xmldom lane on the same input: one canonicalization per run, rotating.
    const { difference } = compareLanes(input, [ALGORITHMS[i % ALGORITHMS.length]!]);
    if (difference === 'stricter') laneStricter.push(input);
    else if (difference !== undefined) findings.push({ seed: s.name, run: i, kind: 'parser-differential', detail: difference, input });
    const once = async (): Promise<{ ms: number; out: unknown }> => {
      const t = performance.now();
      const out = await s.verify(input).then(
        (v) => v as unknown,
        (e: unknown) => e,
      );
      return { ms: performance.now() - t, out };
    };
    let { ms, out } = await once();
    if (ms > slowMs) {
      for (let retry = 0; retry < 2 && ms > slowMs; retry++) ms = Math.min(ms, (await once()).ms);
      if (ms > slowMs) findings.push({ seed: s.name, run: i, kind: 'slow', detail: `${ms.toFixed(0)} ms`, input });
    }
    maxMs = Math.max(maxMs, ms);
    if (out instanceof SamlGuardError) {
      refused[out.code] = (refused[out.code] ?? 0) + 1;
    } else if (out instanceof Error || typeof out !== 'object' || out === null) {
      findings.push({ seed: s.name, run: i, kind: 'exception', detail: out instanceof Error ? `${out.name}: ${out.message}\n${out.stack ?? ''}` : String(out), input });
    } else {
      accepted++;
      const got = JSON.stringify(comparable(out as VerifiedAssertion));
      if (got !== JSON.stringify(baselines[k])) findings.push({ seed: s.name, run: i, kind: 'different-identity', detail: got, input });
    }
  }
  return { runs, accepted, refused, maxMs, findings, laneStricter };
}
