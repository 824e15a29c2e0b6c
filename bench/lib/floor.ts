/**
 * The floor: the least work any verifier of an input must do, measured part by part in the same run:
 *   base64 → UTF-8 text, a parse (the faster of samlguard's strict parser lane, guards included, and a
 *   plain @xmldom/xmldom parse without guards or line/column tracking: both are printed), and per
 *   signature: exclusive c14n of the signed element (Signature left out) and of SignedInfo, SHA-256 of
 *   the canonical element, and one public-key verify of SignedInfo with a pre-imported KeyObject.
 * Each c14n is timed with two implementations, samlguard's and xml-crypto's, and the faster one whose
 * output is byte-identical counts, so samlguard's own c14n speed does not set its own floor.
 * The same work is also timed as one call per request ('floor:pipeline'): parts timed alone in tight
 * loops run with warm caches and none of the others' garbage, so their sum flatters the floor; the
 * pipeline is what samlguard is compared with.
 */
import { createHash, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { C14N, canonicalize, importTrustedKeys, parseXml } from '../../src/index.js';
import type { Measurement, TaskSpec } from './harness.js';
import type { BenchInput } from './inputs.js';

type XDocument = ReturnType<typeof parseXml>['document'];
type XElement = Parameters<typeof canonicalize>[0];
interface DomParserCtor {
  new (options?: Record<string, unknown>): { parseFromString(xml: string, mime: string): XDocument };
}
interface ExcC14nCtor {
  new (): { process(el: unknown, options: Record<string, unknown>): string };
}

const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const root = new URL('../../', import.meta.url);
const benchDir = new URL('../', import.meta.url);

let loaded: { DOMParser: DomParserCtor; xcDOMParser: DomParserCtor; ExclusiveCanonicalization: ExcC14nCtor; xmldomVersion: string } | undefined;

/** The parser samlguard uses (the project's own @xmldom/xmldom), and xml-crypto with its own parser. */
async function load(): Promise<NonNullable<typeof loaded>> {
  if (loaded) return loaded;
  const rootRequire = createRequire(new URL('package.json', root));
  const xmldomPath = rootRequire.resolve('@xmldom/xmldom');
  const xmldom = (await import(pathToFileURL(xmldomPath).href)) as { DOMParser: DomParserCtor };
  const xmldomVersion = (rootRequire('@xmldom/xmldom/package.json') as { version: string }).version;
  const benchRequire = createRequire(new URL('package.json', benchDir));
  const xcPath = benchRequire.resolve('xml-crypto');
  const xc = (await import(pathToFileURL(xcPath).href)) as { ExclusiveCanonicalization: ExcC14nCtor };
  const xcXmldom = (await import(pathToFileURL(createRequire(xcPath).resolve('@xmldom/xmldom')).href)) as { DOMParser: DomParserCtor };
  loaded = { DOMParser: xmldom.DOMParser, xcDOMParser: xcXmldom.DOMParser, ExclusiveCanonicalization: xc.ExclusiveCanonicalization, xmldomVersion };
  return loaded;
}

export async function floorXmldomVersion(): Promise<string> {
  return (await load()).xmldomVersion;
}

function child(el: XElement, ns: string, local: string): XElement | undefined {
  for (let n = el.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as XElement).localName === local && (n as XElement).namespaceURI === ns) return n as XElement;
  }
  return undefined;
}

/** The signed elements of a document, outermost first: the Response (when signed), then the Assertion. */
function signedElements(doc: XDocument): XElement[] {
  const response = doc.documentElement as XElement;
  const assertion = child(response, 'urn:oasis:names:tc:SAML:2.0:assertion', 'Assertion')!;
  return [response, assertion].filter((el) => child(el, DSIG, 'Signature') !== undefined);
}

export interface FloorPart {
  /** Task key prefix; the measured keys are `${key}` or `${key}:sg` / `${key}:xc` for c14n parts. */
  key: string;
  label: string;
  c14n: boolean;
  /** c14n only: whether xml-crypto's output equals samlguard's (else only samlguard's counts). */
  xcEqual?: boolean;
  /** The other implementation's name when it is not xml-crypto (the parse: xmldom). */
  alternative?: string;
}

export interface FloorPlan {
  tasks: TaskSpec[];
  parts: FloorPart[];
}

/** Tasks that measure each part of the floor for one input. */
export async function floorPlan(input: BenchInput): Promise<FloorPlan> {
  const { DOMParser, xcDOMParser, ExclusiveCanonicalization } = await load();
  const { xml, base64 } = input;
  const publicKey = importTrustedKeys([input.certificatePem])[0]!.key as KeyObject;
  const ecdsa = input.signatureAlgorithm === 'ecdsa-sha256';

  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  // xml-crypto's c14n runs on its own parser's DOM, with each Signature removed beforehand (what its
  // enveloped-signature transform produces), so both implementations canonicalize the same node-set.
  const xcSigned = signedElements(new xcDOMParser().parseFromString(xml, 'text/xml'));
  const xcSignedInfos = xcSigned.map((el) => child(child(el, DSIG, 'Signature')!, DSIG, 'SignedInfo')!);

  const tasks: TaskSpec[] = [];
  const parts: FloorPart[] = [];
  tasks.push({ key: 'floor:decode', fn: () => Buffer.from(base64, 'base64').toString('utf8') });
  parts.push({ key: 'floor:decode', label: 'base64 → text', c14n: false });
  // Without line/column tracking (locator: false), as samlguard parses: the cheapest xmldom parse.
  tasks.push({ key: 'floor:parse:sg', fn: () => parseXml(xml) });
  tasks.push({ key: 'floor:parse:xc', fn: () => new DOMParser({ locator: false }).parseFromString(xml, 'text/xml') });
  parts.push({ key: 'floor:parse', label: 'parse', c14n: true, xcEqual: true, alternative: 'xmldom' });

  const signed = signedElements(doc);
  const sigValues = signed.map((el) => Buffer.from((child(child(el, DSIG, 'Signature')!, DSIG, 'SignatureValue')!.textContent ?? '').replace(/\s+/g, ''), 'base64'));

  // The same parts as one call, on a fresh parse each time: what a minimal verifier does per request,
  // with the allocation and cache behaviour of a whole verification. This is the floor ratios use.
  tasks.push({
    key: 'floor:pipeline',
    fn: () => {
      // samlguard's parser lane (guards included) is faster than a bare xmldom parse: it sets the floor.
      const d = parseXml(Buffer.from(base64, 'base64').toString('utf8')).document;
      let ok = true;
      signedElements(d).forEach((el, i) => {
        const sig = child(el, DSIG, 'Signature')!;
        createHash('sha256').update(canonicalize(el, C14N.EXC, { exclude: sig }), 'utf8').digest();
        const si = Buffer.from(canonicalize(child(sig, DSIG, 'SignedInfo')!, C14N.EXC), 'utf8');
        ok &&= ecdsa ? cryptoVerify('sha256', si, { key: publicKey, dsaEncoding: 'ieee-p1363' }, sigValues[i]!) : cryptoVerify('sha256', si, publicKey, sigValues[i]!);
      });
      return ok;
    },
  });
  if (tasks[tasks.length - 1]!.fn() !== true) throw new Error(`floor: the pipeline does not verify ${input.id}`);
  // The Response's digest covers the Assertion *with* the Assertion's Signature: each element loses
  // only its own Signature.
  const xc = new ExclusiveCanonicalization();
  signed.forEach((el, i) => {
    const which = el.localName === 'Response' ? 'response' : 'assertion';
    const signature = child(el, DSIG, 'Signature')!;
    const signedInfo = child(signature, DSIG, 'SignedInfo')!;
    const sigValue = Buffer.from((child(signature, DSIG, 'SignatureValue')!.textContent ?? '').replace(/\s+/g, ''), 'base64');
    const canonicalEl = canonicalize(el, C14N.EXC, { exclude: signature });
    const canonicalSi = canonicalize(signedInfo, C14N.EXC);
    const siBytes = Buffer.from(canonicalSi, 'utf8');

    // xml-crypto counterparts: a detached clone of the element without its own Signature.
    const strippedEl = xcSigned[i]!.cloneNode(true) as XElement;
    const ownSig = child(strippedEl, DSIG, 'Signature');
    if (ownSig) strippedEl.removeChild(ownSig);
    const xcSi = xcSignedInfos[i]!;
    const xcElOut = safe(() => xc.process(strippedEl, {}));
    const xcSiOut = safe(() => xc.process(xcSi, {}));

    const elKey = `floor:c14n-${which}`;
    const siKey = `floor:c14n-si-${which}`;
    const elEqual = xcElOut === canonicalEl;
    const siEqual = xcSiOut === canonicalSi;
    tasks.push({ key: `${elKey}:sg`, fn: () => canonicalize(el, C14N.EXC, { exclude: signature }) });
    if (elEqual) tasks.push({ key: `${elKey}:xc`, fn: () => xc.process(strippedEl, {}) });
    parts.push({ key: elKey, label: `c14n ${which}`, c14n: true, xcEqual: elEqual });
    tasks.push({ key: `${siKey}:sg`, fn: () => canonicalize(signedInfo, C14N.EXC) });
    if (siEqual) tasks.push({ key: `${siKey}:xc`, fn: () => xc.process(xcSi, {}) });
    parts.push({ key: siKey, label: `c14n SignedInfo (${which})`, c14n: true, xcEqual: siEqual });
    tasks.push({ key: `floor:sha256-${which}`, fn: () => createHash('sha256').update(canonicalEl, 'utf8').digest() });
    parts.push({ key: `floor:sha256-${which}`, label: `SHA-256 ${which}`, c14n: false });
    const verifyFn = ecdsa
      ? () => cryptoVerify('sha256', siBytes, { key: publicKey, dsaEncoding: 'ieee-p1363' }, sigValue)
      : () => cryptoVerify('sha256', siBytes, publicKey, sigValue);
    if (!verifyFn()) throw new Error(`floor: the ${which} signature of ${input.id} does not verify`);
    tasks.push({ key: `floor:verify-${which}`, fn: verifyFn });
    parts.push({ key: `floor:verify-${which}`, label: `${ecdsa ? 'P-256' : 'RSA-2048'} verify (${which})`, c14n: false });
  });
  return { tasks, parts };
}

function safe(fn: () => string): string | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

export interface FloorPartResult {
  key: string;
  label: string;
  /** µs: the faster byte-identical implementation for c14n. */
  median: number;
  /** Parts with two implementations (c14n, parse): which set the floor, and both times (xmlCrypto: the other one). */
  by?: string;
  samlguard?: number;
  xmlCrypto?: number;
}

export interface FloorResult {
  parts: FloorPartResult[];
  /** The parts done in one call (fresh parse each time): the floor ratios are taken against, µs. */
  pipeline: Measurement;
  /** Sum of the parts' medians (each timed alone in a tight loop: warm caches, no one else's garbage), µs. */
  total: number;
  /** The signature verifications alone (the fixed cost, independent of size), µs. */
  verify: number;
  /** Per-round totals (for round-by-round ratios). */
  rounds: number[];
}

export function composeFloor(plan: FloorPlan, m: Map<string, Measurement>): FloorResult {
  const parts: FloorPartResult[] = [];
  const roundsCount = m.get('floor:decode')!.rounds.length;
  const rounds = new Array<number>(roundsCount).fill(0);
  let verify = 0;
  for (const part of plan.parts) {
    if (!part.c14n) {
      const r = m.get(part.key)!;
      parts.push({ key: part.key, label: part.label, median: r.median });
      r.rounds.forEach((v, i) => (rounds[i]! += v));
      if (part.key.startsWith('floor:verify')) verify += r.median;
      continue;
    }
    const sg = m.get(`${part.key}:sg`)!;
    const xc = m.get(`${part.key}:xc`);
    const best = xc && xc.median < sg.median ? xc : sg;
    parts.push({ key: part.key, label: part.label, median: best.median, by: best === sg ? 'samlguard' : (part.alternative ?? 'xml-crypto'), samlguard: sg.median, ...(xc ? { xmlCrypto: xc.median } : {}) });
    best.rounds.forEach((v, i) => (rounds[i]! += v));
  }
  return { parts, pipeline: m.get('floor:pipeline')!, total: parts.reduce((s, p) => s + p.median, 0), verify, rounds };
}
