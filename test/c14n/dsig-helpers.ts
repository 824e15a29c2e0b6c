// A minimal XML-DSig Reference processor for the c14n interop tests: enough to recompute the octets a
// real signer digested (same-document URIs; enveloped-signature, canonicalization and XPath-filter
// transforms) so that digest and signature checks against real-world signatures test the canonicalizer.
// It is test scaffolding, not the product's verifier (src/dsig): no policy, no shape checks.
import { createHash, createHmac, verify as verifySignature } from 'node:crypto';
import type { Document, Element, Node } from '@xmldom/xmldom';
import * as xpath from 'xpath';
import {
  type C14nAlgorithm,
  C14N,
  canonicalize,
  canonicalizeDocument,
  canonicalizeNodeSet,
  isC14nAlgorithm,
} from '../../src/c14n/index.js';

export const DS = 'http://www.w3.org/2000/09/xmldsig#';
const EXC = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const XPATH_FILTER = 'http://www.w3.org/TR/1999/REC-xpath-19991116';

const DIGESTS: Record<string, string> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};

const SIGNATURES: Record<string, { kind: 'rsa' | 'hmac'; hash: string }> = {
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': { kind: 'rsa', hash: 'sha1' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': { kind: 'rsa', hash: 'sha256' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': { kind: 'rsa', hash: 'sha512' },
  'http://www.w3.org/2000/09/xmldsig#hmac-sha1': { kind: 'hmac', hash: 'sha1' },
};

const WITHOUT_COMMENTS: Record<C14nAlgorithm, C14nAlgorithm> = {
  [C14N.EXC]: C14N.EXC,
  [C14N.EXC_WITH_COMMENTS]: C14N.EXC,
  [C14N.C14N10]: C14N.C14N10,
  [C14N.C14N10_WITH_COMMENTS]: C14N.C14N10,
  [C14N.C14N11]: C14N.C14N11,
  [C14N.C14N11_WITH_COMMENTS]: C14N.C14N11,
};

export function childrenNS(el: Element, ns: string, local: string): Element[] {
  const out: Element[] = [];
  for (let c = el.firstChild; c !== null; c = c.nextSibling) {
    if (c.nodeType === 1 && (c as Element).namespaceURI === ns && (c as Element).localName === local) out.push(c as Element);
  }
  return out;
}

function child(el: Element, ns: string, local: string): Element | undefined {
  return childrenNS(el, ns, local)[0];
}

function elementById(doc: Document, id: string): Element | undefined {
  const all = doc.getElementsByTagName('*');
  for (let i = 0; i < all.length; i++) {
    const el = all[i]!;
    for (const name of ['ID', 'Id', 'id']) if (el.getAttribute(name) === id) return el;
  }
  return undefined;
}

function contains(ancestor: Node, node: Node): boolean {
  for (let n: Node | null = node; n !== null; n = n.parentNode ?? (n as { ownerElement?: Node | null }).ownerElement ?? null) {
    if (n === ancestor) return true;
  }
  return false;
}

/** The algorithm and PrefixList of a CanonicalizationMethod or Transform element. */
function c14nOf(el: Element): { algorithm: C14nAlgorithm; prefixes: string[] | undefined } | undefined {
  const algorithm = el.getAttribute('Algorithm') ?? '';
  if (!isC14nAlgorithm(algorithm)) return undefined;
  const inc = child(el, EXC, 'InclusiveNamespaces');
  const prefixes = inc?.getAttribute('PrefixList')?.split(/\s+/).filter(Boolean);
  return { algorithm, prefixes };
}

/** Canonical octets of SignedInfo, per its CanonicalizationMethod. */
export function canonicalSignedInfo(signature: Element): string {
  const signedInfo = child(signature, DS, 'SignedInfo')!;
  const method = c14nOf(child(signedInfo, DS, 'CanonicalizationMethod')!);
  if (method === undefined) throw new Error('unsupported CanonicalizationMethod');
  return canonicalize(signedInfo, method.algorithm, { inclusivePrefixes: method.prefixes });
}

/** In-scope namespace bindings at `el`, for evaluating an XPath filter written there. */
function namespacesAt(el: Element): Record<string, string> {
  const out: Record<string, string> = {};
  for (let n: Node | null = el; n !== null && n.nodeType === 1; n = n.parentNode) {
    const attrs = (n as Element).attributes;
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs[i]!;
      if (a.prefix === 'xmlns' && out[a.localName!] === undefined) out[a.localName!] = a.value;
    }
  }
  return out;
}

/**
 * `skipped` references may still report `inputOctets`: the canonical octets handed to a first transform
 * this helper cannot run (XSLT, base64), which the Merlin samples record as intermediates.
 */
/** xpath's compiled-expression API: present at runtime, missing from its type declarations. */
const xpathParse = (xpath as unknown as {
  parse(expression: string): {
    evaluateBoolean(options: { node: Node; namespaces: Record<string, string>; variables: Record<string, Node[]> }): boolean;
  };
}).parse;

export type ReferenceOutcome = { octets: string; digestOk: boolean } | { skipped: string; inputOctets?: string };

/** Recompute one Reference's octets and compare their digest with its DigestValue. */
export function checkReference(doc: Document, signature: Element, ref: Element): ReferenceOutcome {
  const uri = ref.getAttribute('URI');
  if (uri === null) return { skipped: 'no URI' };
  let apex: Element | null = null;
  let comments: boolean;
  if (uri === '') comments = false;
  else if (uri === '#xpointer(/)') comments = true;
  else if (uri.startsWith('#')) {
    const m = /^#xpointer\(id\('([^']*)'\)\)$/.exec(uri);
    comments = m !== null;
    const target = elementById(doc, m !== null ? m[1]! : uri.slice(1));
    if (target === undefined) return { skipped: `target of ${uri} not found` };
    apex = target;
  } else return { skipped: `external reference ${uri}` };

  let exclude: Element | null = null;
  let final: { algorithm: C14nAlgorithm; prefixes: string[] | undefined } | undefined;
  let filter: ((n: Node) => boolean) | undefined;
  const transforms = child(ref, DS, 'Transforms');
  for (const t of transforms ? childrenNS(transforms, DS, 'Transform') : []) {
    if (final !== undefined) return { skipped: 'a transform after canonicalization (needs a re-parse)' };
    const algorithm = t.getAttribute('Algorithm');
    if (algorithm === ENVELOPED) exclude = signature;
    else if (algorithm === XPATH_FILTER) {
      if (filter !== undefined) return { skipped: 'two XPath filters' };
      const xp = child(t, DS, 'XPath')!;
      // The xpath package cannot take node-set functions, so two become variables: XML-DSig's here()
      // (the element bearing the expression), and id('x'), which xmldom's getElementById resolves only
      // through an attribute named "id" while these samples declare `Id` as the ID type in their DTD;
      // it is resolved like a same-document URI instead.
      const variables: Record<string, Node[]> = { here: [xp] };
      const source = (xp.textContent ?? '').replaceAll('here()', '$here').replace(/\bid\('([^']*)'\)/g, (_, id: string) => {
        const target = elementById(doc, id);
        variables[`id_${id}`] = target === undefined ? [] : [target];
        return `$id_${id}`;
      });
      const parsed = xpathParse(source);
      const namespaces = namespacesAt(xp);
      filter = (n) => parsed.evaluateBoolean({ node: n, namespaces, variables });
    } else {
      final = c14nOf(t);
      if (final === undefined) {
        if (t !== childrenNS(transforms!, DS, 'Transform')[0]) return { skipped: `transform ${algorithm}` };
        const input = comments ? C14N.C14N10_WITH_COMMENTS : C14N.C14N10;
        const inputOctets = apex === null ? canonicalizeDocument(doc, input) : canonicalize(apex, input);
        return { skipped: `transform ${algorithm}`, inputOctets };
      }
    }
  }
  // The octets of a node-set are its Canonical XML 1.0 form; a same-document URI without xpointer
  // drops comments before any transform sees them.
  let algorithm = final?.algorithm ?? C14N.C14N10;
  if (!comments) algorithm = WITHOUT_COMMENTS[algorithm];
  const options = { exclude, inclusivePrefixes: final?.prefixes };

  let octets: string;
  if (filter === undefined) {
    octets = apex === null ? canonicalizeDocument(doc, algorithm, options) : canonicalize(apex, algorithm, options);
  } else {
    const inInput = (n: Node) => (apex === null || contains(apex, n)) && (exclude === null || !contains(exclude, n));
    const test = filter;
    octets = canonicalizeNodeSet(doc, algorithm, (n) => inInput(n) && test(n), { inclusivePrefixes: final?.prefixes });
  }

  const digestAlg = DIGESTS[child(ref, DS, 'DigestMethod')?.getAttribute('Algorithm') ?? ''];
  if (digestAlg === undefined) return { octets, digestOk: false };
  const expected = (child(ref, DS, 'DigestValue')?.textContent ?? '').replace(/\s+/g, '');
  return { octets, digestOk: createHash(digestAlg).update(octets, 'utf8').digest('base64') === expected };
}

/**
 * Verify SignatureValue over the canonical SignedInfo with `key` (PEM for RSA, raw bytes for HMAC).
 * Returns undefined when the method is not one this helper knows (DSA) or is truncated HMAC.
 */
export function checkSignatureValue(signature: Element, key: string | Buffer): boolean | undefined {
  const signedInfo = child(signature, DS, 'SignedInfo')!;
  const methodEl = child(signedInfo, DS, 'SignatureMethod')!;
  const method = SIGNATURES[methodEl.getAttribute('Algorithm') ?? ''];
  // HMACOutputLength (truncated MACs) is a verifier-policy matter, not a canonicalization one.
  if (method === undefined || child(methodEl, DS, 'HMACOutputLength') !== undefined) return undefined;
  const value = Buffer.from((child(signature, DS, 'SignatureValue')?.textContent ?? '').replace(/\s+/g, ''), 'base64');
  const data = Buffer.from(canonicalSignedInfo(signature), 'utf8');
  if (method.kind === 'hmac') return createHmac(method.hash, key).update(data).digest().equals(value);
  return verifySignature(method.hash, data, key, value);
}

/** Every ds:Signature element of the document, in document order. */
export function signaturesOf(doc: Document): Element[] {
  return Array.from(doc.getElementsByTagNameNS(DS, 'Signature'));
}

export function referencesOf(signature: Element): Element[] {
  return childrenNS(child(signature, DS, 'SignedInfo')!, DS, 'Reference');
}

/** References of the ds:Manifest elements inside the signature's ds:Object elements. */
export function manifestReferencesOf(signature: Element): Element[] {
  return childrenNS(signature, DS, 'Object').flatMap((o) => childrenNS(o, DS, 'Manifest').flatMap((m) => childrenNS(m, DS, 'Reference')));
}
