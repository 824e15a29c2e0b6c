/**
 * Shared by test/dsig, test/attacks and test/property: sign fixture documents, verify them with
 * samlguard's own parser + verifier, and edit signed documents the way an attacker would.
 */
import { createHash, createHmac, sign as cryptoSign, type KeyObject } from 'node:crypto';
import type { Document, Element } from '@xmldom/xmldom';
import { expect } from 'vitest';
import { SamlGuardError, type ErrorCode } from '../../src/errors.js';
import { parseXml, type ParsedXml } from '../../src/xml/parse.js';
import { verifySignedElement, type DsigPolicy, type VerifiedSignature } from '../../src/dsig/verify.js';
import { importTrustedKeys, type TrustedKey } from '../../src/keys/index.js';
import { C14N, canonicalize, type C14nAlgorithm } from '../../src/c14n/index.js';
import { loadKeyPair, type FixtureName } from '../../fixtures/index.js';
import { signXml, type SignOptions } from '../../fixtures/signer.js';
import { buildResponse } from '../../fixtures/saml.js';
import { childElements, NS, parseXml as parseLoose, serializeXml, setText } from '../../fixtures/mutate.js';

export { NS };

/** The IDs buildResponse() uses. */
export const ASSERTION_ID = '_a0b1c2d3e4f5061728394a5b6c7d8e9f';
export const RESPONSE_ID = '_r0b1c2d3e4f5061728394a5b6c7d8e9f';

/**
 * Run `fn` and require a {@link SamlGuardError} with exactly `code` (the message is shown on mismatch,
 * never matched). Returns the error for further assertions.
 */
export function expectCode(fn: () => unknown, code: ErrorCode): SamlGuardError {
  let thrown: unknown;
  let threw = false;
  try {
    fn();
  } catch (err) {
    thrown = err;
    threw = true;
  }
  if (!threw) expect.fail(`expected a SamlGuardError with code ${code}, but nothing was thrown`);
  if (!(thrown instanceof SamlGuardError)) {
    expect.fail(`expected a SamlGuardError with code ${code}, got ${String(thrown instanceof Error ? thrown.stack : thrown)}`);
  }
  expect(thrown.code, `message: ${thrown.message}`).toBe(code);
  return thrown;
}

const keyCache = new Map<string, TrustedKey[]>();

/** Trusted keys imported from the fixture certificates, as a verifier would configure them. */
export function trusted(...names: FixtureName[]): TrustedKey[] {
  const cacheKey = names.join(',');
  let keys = keyCache.get(cacheKey);
  if (keys === undefined) {
    keys = importTrustedKeys(names.map((n) => loadKeyPair(n).certificatePem));
    keyCache.set(cacheKey, keys);
  }
  return keys;
}

export interface SignSpec extends Partial<Omit<SignOptions, 'key' | 'certificate'>> {
  /** Fixture whose private key signs. Default rsa2048. */
  keyName?: FixtureName;
  /** Fixture whose certificate goes into KeyInfo; `null` = no KeyInfo. Default: the signing fixture. */
  certName?: FixtureName | null;
  /** Unsigned document. Default buildResponse(). */
  xml?: string;
}

/** Sign `spec.xml` (default: a SAML Response, signing its Assertion) with a fixture key. */
export function signDoc(spec: SignSpec = {}): string {
  const { keyName = 'rsa2048', certName, xml = buildResponse(), id = ASSERTION_ID, ...options } = spec;
  const certificate = certName === null ? undefined : loadKeyPair(certName ?? keyName).certificatePem;
  return signXml(xml, { ...options, id, key: loadKeyPair(keyName).privateKey, ...(certificate ? { certificate } : {}) });
}

export interface VerifyArgs {
  /** ID of the element to verify (default the Assertion). */
  id?: string;
  /** Pick the element to verify from the parsed document instead of by ID. */
  select?: (parsed: ParsedXml) => Element;
  keys?: readonly TrustedKey[];
  policy?: DsigPolicy;
}

/** parseXml + verifySignedElement, exactly as the library's pipeline does. */
export function verifyDoc(xml: string, args: VerifyArgs = {}): VerifiedSignature & { parsed: ParsedXml; target: Element } {
  const parsed = parseXml(xml);
  const target = args.select ? args.select(parsed) : parsed.ids.get(args.id ?? ASSERTION_ID);
  if (target === undefined) throw new Error(`test: no element with ID ${args.id ?? ASSERTION_ID}`);
  const result = verifySignedElement(target, args.keys ?? trusted('rsa2048'), args.policy ?? {});
  return { ...result, parsed, target };
}

// ---------------------------------------------------------------------------------------------------
// Editing signed documents

export function dsChild(parent: Element, localName: string): Element {
  const found = childElements(parent).find((e) => e.namespaceURI === NS.ds && e.localName === localName);
  if (!found) throw new Error(`test: no ds:${localName} under <${parent.tagName}>`);
  return found;
}

export function dsChildren(parent: Element, localName: string): Element[] {
  return childElements(parent).filter((e) => e.namespaceURI === NS.ds && e.localName === localName);
}

/** All elements carrying an ID/Id/xml:id equal to `id`. */
export function elementsWithId(doc: Document, id: string): Element[] {
  const out: Element[] = [];
  const visit = (el: Element): void => {
    if (el.getAttribute('ID') === id || el.getAttribute('Id') === id || el.getAttributeNS(NS.xml, 'id') === id) out.push(el);
    for (const c of childElements(el)) visit(c);
  };
  if (doc.documentElement) visit(doc.documentElement);
  return out;
}

export function byId(doc: Document, id: string): Element {
  const found = elementsWithId(doc, id)[0];
  if (!found) throw new Error(`test: no element with ID ${id}`);
  return found;
}

/** Handles on the (first) signature of a signed element, in an editable xmldom document. */
export interface SigParts {
  doc: Document;
  /** The element carrying the signature (found by `id`). */
  target: Element;
  signature: Element;
  signedInfo: Element;
  c14nMethod: Element;
  signatureMethod: Element;
  reference: Element;
  transforms: Element;
  digestMethod: Element;
  digestValue: Element;
  signatureValue: Element;
  keyInfo: Element | undefined;
}

export function sigParts(doc: Document, id = ASSERTION_ID): SigParts {
  const target = byId(doc, id);
  const signature = dsChild(target, 'Signature');
  const signedInfo = dsChild(signature, 'SignedInfo');
  const reference = dsChild(signedInfo, 'Reference');
  return {
    doc,
    target,
    signature,
    signedInfo,
    c14nMethod: dsChild(signedInfo, 'CanonicalizationMethod'),
    signatureMethod: dsChild(signedInfo, 'SignatureMethod'),
    reference,
    transforms: dsChild(reference, 'Transforms'),
    digestMethod: dsChild(reference, 'DigestMethod'),
    digestValue: dsChild(reference, 'DigestValue'),
    signatureValue: dsChild(signature, 'SignatureValue'),
    keyInfo: dsChildren(signature, 'KeyInfo')[0],
  };
}

/** Parse a signed document with plain xmldom, let `edit` change it, serialize it back. */
export function edit(xml: string, editFn: (parts: SigParts) => void, id = ASSERTION_ID): string {
  const doc = parseLoose(xml);
  editFn(sigParts(doc, id));
  return serializeXml(doc);
}

/** Plain DOM editing without signature handles. */
export function editDoc(xml: string, editFn: (doc: Document) => void): string {
  const doc = parseLoose(xml);
  editFn(doc);
  return serializeXml(doc);
}

export function dsElement(doc: Document, localName: string, attrs: Record<string, string> = {}, prefix = 'ds'): Element {
  const el = doc.createElementNS(NS.ds, prefix ? `${prefix}:${localName}` : localName);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

const SIGNATURE_HASHES: Record<string, { hash: string; ecdsa: boolean }> = {
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': { hash: 'sha1', ecdsa: false },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': { hash: 'sha256', ecdsa: false },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384': { hash: 'sha384', ecdsa: false },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': { hash: 'sha512', ecdsa: false },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1': { hash: 'sha1', ecdsa: true },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256': { hash: 'sha256', ecdsa: true },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384': { hash: 'sha384', ecdsa: true },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512': { hash: 'sha512', ecdsa: true },
};

const DIGEST_HASHES: Record<string, string> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};

function prefixListOf(parent: Element): string[] | undefined {
  const inc = childElements(parent).find((e) => e.namespaceURI === NS.ec && e.localName === 'InclusiveNamespaces');
  const list = inc?.getAttribute('PrefixList');
  return list == null ? undefined : list.split(/\s+/).filter(Boolean);
}

/** Canonical SignedInfo as the CanonicalizationMethod in the (edited) document says. */
export function canonicalSignedInfo(signedInfo: Element): string {
  const c14n = dsChild(signedInfo, 'CanonicalizationMethod');
  return canonicalize(signedInfo, c14n.getAttribute('Algorithm') as C14nAlgorithm, { inclusivePrefixes: prefixListOf(c14n) });
}

/**
 * Re-sign an edited SignedInfo with `keyName` (a fixture), following its SignatureMethod — so the
 * only thing wrong with the document is the edit under test, not a stale SignatureValue.
 * Call after every other DOM edit (inclusive c14n depends on the ancestors).
 */
export function resign(parts: SigParts, keyName: FixtureName = 'rsa2048'): void {
  const method = parts.signatureMethod.getAttribute('Algorithm') ?? '';
  const info = SIGNATURE_HASHES[method];
  if (!info) throw new Error(`test: cannot re-sign with ${method}`);
  const data = Buffer.from(canonicalSignedInfo(parts.signedInfo), 'utf8');
  const key: KeyObject = loadKeyPair(keyName).privateKey;
  const value = info.ecdsa ? cryptoSign(info.hash, data, { key, dsaEncoding: 'ieee-p1363' }) : cryptoSign(info.hash, data, key);
  setText(parts.signatureValue, value.toString('base64'));
}

/** The HMAC key-confusion attack: "sign" SignedInfo with HMAC keyed by public bytes (e.g. the certificate). */
export function hmacSign(parts: SigParts, hash: 'sha1' | 'sha256', secret: Buffer | string): void {
  setText(parts.signatureValue, createHmac(hash, secret).update(canonicalSignedInfo(parts.signedInfo), 'utf8').digest('base64'));
}

const WITHOUT_COMMENTS: Partial<Record<string, C14nAlgorithm>> = {
  [C14N.EXC_WITH_COMMENTS]: C14N.EXC,
  [C14N.C14N10_WITH_COMMENTS]: C14N.C14N10,
  [C14N.C14N11_WITH_COMMENTS]: C14N.C14N11,
};

/**
 * Recompute DigestValue for `target` (default: parts.target) per the Reference's transforms, as an
 * attacker who can digest but not sign would. Without a c14n transform, Canonical XML 1.0 applies.
 */
export function redigest(parts: SigParts, target: Element = parts.target): void {
  const transforms = dsChildren(parts.reference, 'Transforms')[0];
  const c14nTransform = transforms ? dsChildren(transforms, 'Transform').find((t) => t.getAttribute('Algorithm') !== NS.ds + 'enveloped-signature') : undefined;
  const alg = (c14nTransform?.getAttribute('Algorithm') ?? C14N.C14N10) as C14nAlgorithm;
  const canonical = canonicalize(target, WITHOUT_COMMENTS[alg] ?? alg, {
    exclude: parts.signature,
    inclusivePrefixes: c14nTransform ? prefixListOf(c14nTransform) : undefined,
  });
  const hash = DIGEST_HASHES[parts.digestMethod.getAttribute('Algorithm') ?? ''];
  if (!hash) throw new Error('test: cannot re-digest with this DigestMethod');
  setText(parts.digestValue, createHash(hash).update(canonical, 'utf8').digest('base64'));
}

/** The first descendant element `{ns}local` of `root` (root included). */
export function firstDescendant(root: Element | Document, ns: string, local: string): Element {
  const stack: Element[] = 'documentElement' in root && root.documentElement ? [root.documentElement] : [root as Element];
  while (stack.length > 0) {
    const el = stack.shift()!;
    if (el.namespaceURI === ns && el.localName === local) return el;
    stack.unshift(...childElements(el));
  }
  throw new Error(`test: no {${ns}}${local}`);
}
