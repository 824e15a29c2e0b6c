/*
 * Enveloped XML-Signature verification, in this order and no other:
 *   1. shape     — exactly one ds:Signature child; SignedInfo / SignatureValue / KeyInfo? and nothing else;
 *                  every algorithm, transform and reference form checked against the allow-lists; strict base64.
 *   2. key       — KeyInfo may only *select* among configured keys; it never supplies one.
 *   3. SignedInfo — canonicalized in place (one tree, no re-parse) and its SignatureValue verified.
 *   4. reference — read from the now-verified SignedInfo; its URI must name, through the duplicate-free ID
 *                  index, the very element that carries the signature.
 *   5. digest    — the canonical form of that element (Signature left out) must hash to DigestValue.
 * Only then is the element returned, branded as Verified: downstream code reads nothing else.
 */
import type { Element, Node } from '@xmldom/xmldom';
import { SamlGuardError, quote } from '../errors.js';
import { canonicalize, canonicalizeDocument, C14N, withoutComments, type C14nAlgorithm } from '../c14n/index.js';
import { colonHex, digest, digestsEqual, runSync, verifySignature, type Task } from '../crypto/index.js';
import { bytesEqual } from '../bytes/index.js';
import { decodeStrictBase64, describeCertificate, toTrustedKeys, type KeyInput, type TrustedKey } from '../keys/index.js';
import { idIndexOf } from '../xml/parse.js';
import { XMLNS_NS } from '../xml/ns.js';
import { NodeType, childrenNS, pathOf } from '../xml/dom.js';
import {
  DSIG_NS,
  ENVELOPED_SIGNATURE,
  EXC_C14N_NS,
  canonicalizationAlgorithm,
  digestAlgorithm,
  signatureAlgorithm,
  type DigestAlgorithm,
  type SignatureAlgorithm,
} from './algorithms.js';

declare const verifiedBrand: unique symbol;
/** An element whose enveloped signature samlguard verified. Only these may be read for claims. */
export type Verified<T> = T & { readonly [verifiedBrand]: true };

/** What a signature may use. Every weakening is a named opt-in. */
export interface DsigPolicy {
  /** Accept RSA-SHA1 / ECDSA-SHA1 signatures and SHA-1 digests. Default false. */
  readonly allowSha1?: boolean;
  /** Smallest RSA modulus accepted, in bits. Default 2048. */
  readonly minRsaKeyBits?: number;
  /**
   * Accept Reference URI="" (the whole document) on a signature whose element is not the document
   * element, e.g. an Assertion inside a Response. On the document element's own signature URI="" covers
   * exactly what `#<its ID>` would, and is always accepted. Default false.
   */
  readonly allowEmptyReferenceUri?: boolean;
}

export interface SignatureAlgorithms {
  readonly signature: string;
  readonly digest: string;
  readonly canonicalization: string;
  readonly transforms: readonly string[];
}

/** The result of {@link verifySignedElement}: the very node whose digest was checked. */
export interface VerifiedSignature {
  readonly element: Verified<Element>;
  readonly key: TrustedKey;
  readonly algorithms: SignatureAlgorithms;
}

const DEFAULT_MIN_RSA_BITS = 2048;

function shapeError(message: string, node: Node | null | undefined): SamlGuardError {
  return new SamlGuardError('SIGNATURE_SHAPE_INVALID', message, { path: pathOf(node) });
}

/**
 * The element children of `el`, refusing anything else that is not whitespace: text, comments, PIs.
 * Used on every ds:* container, where nothing but elements has a meaning.
 */
function strictChildren(el: Element): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === NodeType.ELEMENT) {
      out.push(n as Element);
    } else if (n.nodeType === NodeType.TEXT) {
      if (!/^[\t\n\r ]*$/.test((n as unknown as { data: string }).data)) throw shapeError(`<${el.localName}> contains text where only elements are allowed.`, el);
    } else {
      throw shapeError(`<${el.localName}> contains a ${n.nodeType === NodeType.COMMENT ? 'comment' : 'non-element node'}, which is not allowed inside a signature.`, el);
    }
  }
  return out;
}

/** The text of a leaf such as DigestValue: text nodes only; a comment or element inside is refused. */
function leafText(el: Element): string {
  let out = '';
  for (let n = el.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === NodeType.TEXT) out += (n as unknown as { data: string }).data;
    else throw shapeError(`<${el.localName}> must contain only base64 text; it contains a ${n.nodeType === NodeType.COMMENT ? 'comment' : 'child node'}.`, el);
  }
  return out;
}

function expectDs(el: Element | undefined, local: string, parent: Element): Element {
  if (el === undefined || el.localName !== local || el.namespaceURI !== DSIG_NS) {
    const found = el === undefined ? 'nothing' : `<${el.localName}>${el.namespaceURI === DSIG_NS ? '' : ` in namespace ${quote(el.namespaceURI)}`}`;
    throw shapeError(`<${parent.localName}> must contain ds:${local} here, found ${found}.`, parent);
  }
  return el;
}

function algorithmAttr(el: Element): string {
  const a = el.getAttributeNode('Algorithm');
  if (a === null || a === undefined || a.value === '') throw shapeError(`<${el.localName}> has no Algorithm attribute.`, el);
  return a.value;
}

function requireNoChildren(el: Element): void {
  if (strictChildren(el).length > 0) throw shapeError(`<${el.localName}> must be empty.`, el);
}

/** CanonicalizationMethod or a c14n Transform: the algorithm plus the exclusive c14n PrefixList, if any. */
function readC14n(el: Element, code: 'ALGORITHM_NOT_ALLOWED' | 'TRANSFORM_NOT_ALLOWED'): { algorithm: C14nAlgorithm; prefixes: string[] | undefined } {
  const uri = algorithmAttr(el);
  const algorithm = canonicalizationAlgorithm(uri);
  if (algorithm === undefined) {
    throw new SamlGuardError(code, `Canonicalization ${quote(uri)} is not allowed; use exclusive c14n (http://www.w3.org/2001/10/xml-exc-c14n#) or Canonical XML 1.0/1.1.`, { path: pathOf(el) });
  }
  const kids = strictChildren(el);
  let prefixes: string[] | undefined;
  if (kids.length > 0) {
    const only = kids[0]!;
    const exclusive = algorithm === C14N.EXC || algorithm === C14N.EXC_WITH_COMMENTS;
    if (kids.length > 1 || !exclusive || only.localName !== 'InclusiveNamespaces' || only.namespaceURI !== EXC_C14N_NS) {
      throw shapeError(`<${el.localName}> may only contain one ec:InclusiveNamespaces, and only for exclusive c14n.`, el);
    }
    requireNoChildren(only);
    const list = only.getAttributeNode('PrefixList');
    prefixes = list ? list.value.split(/[\t\n\r ]+/).filter((p) => p.length > 0) : [];
  }
  return { algorithm, prefixes };
}

// xml-crypto (and IdPs built on it) writes its InclusiveNamespaces into every Transform, in the
// namespace of that transform's own algorithm or of exclusive c14n. The enveloped-signature transform
// takes no parameters, so the PrefixList means nothing there; tolerate exactly that one element and
// refuse anything else.
const ENVELOPED_PARAM_NS: readonly string[] = [EXC_C14N_NS, ENVELOPED_SIGNATURE];

function ignoreXmlCryptoPrefixList(t: Element): void {
  const kids = strictChildren(t);
  if (kids.length === 0) return;
  const only = kids[0]!;
  const isPrefixList = kids.length === 1 && only.localName === 'InclusiveNamespaces' && ENVELOPED_PARAM_NS.includes(only.namespaceURI ?? '');
  if (!isPrefixList) throw shapeError(`The enveloped-signature <${t.localName}> takes no parameters; it may hold at most one InclusiveNamespaces (as xml-crypto writes), found <${only.localName}>${kids.length > 1 ? ` and ${kids.length - 1} more` : ''}.`, t);
  requireNoChildren(only);
  const attrs = only.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    if (a.namespaceURI === XMLNS_NS) continue;
    if (a.namespaceURI || a.localName !== 'PrefixList') throw shapeError(`InclusiveNamespaces inside the enveloped-signature transform may carry only PrefixList; found ${quote(a.name)}.`, only);
  }
}

function sha1Refused(what: string, uri: string, el: Element): SamlGuardError {
  return new SamlGuardError('ALGORITHM_NOT_ALLOWED', `${what} ${quote(uri)} uses SHA-1, which is refused unless you opt in with allowSha1: true.`, { path: pathOf(el) });
}

interface Shape {
  signature: Element;
  signedInfo: Element;
  signedInfoC14n: { algorithm: C14nAlgorithm; prefixes: string[] | undefined };
  signatureAlgorithm: SignatureAlgorithm;
  reference: Element;
  /** null for an allowed URI="" (the document element itself). */
  referenceId: string | null;
  transformC14n: { algorithm: C14nAlgorithm; prefixes: string[] | undefined };
  transforms: string[];
  digestAlgorithm: DigestAlgorithm;
  digestValue: Uint8Array;
  signatureValue: Uint8Array;
  keyInfoCertificates: Uint8Array[] | undefined;
}

function readShape(element: Element, policy: DsigPolicy): Shape {
  const sigs = childrenNS(element, DSIG_NS, 'Signature');
  if (sigs.length === 0) {
    throw new SamlGuardError('SIGNATURE_MISSING', `<${element.localName}> has no enveloped ds:Signature child.`, { path: pathOf(element) });
  }
  if (sigs.length > 1) throw shapeError(`<${element.localName}> has ${sigs.length} ds:Signature children; exactly one is allowed.`, element);
  const signature = sigs[0]!;

  const parts = strictChildren(signature);
  const signedInfo = expectDs(parts[0], 'SignedInfo', signature);
  const signatureValueEl = expectDs(parts[1], 'SignatureValue', signature);
  let keyInfo: Element | undefined;
  if (parts.length > 2) keyInfo = expectDs(parts[2], 'KeyInfo', signature);
  if (parts.length > 3) throw shapeError(`ds:Signature may contain only SignedInfo, SignatureValue and KeyInfo; found <${parts[3]!.localName}>.`, signature);

  const info = strictChildren(signedInfo);
  const c14nEl = expectDs(info[0], 'CanonicalizationMethod', signedInfo);
  const sigMethodEl = expectDs(info[1], 'SignatureMethod', signedInfo);
  const references = info.slice(2);
  if (references.length !== 1) {
    throw new SamlGuardError('REFERENCE_INVALID', `ds:SignedInfo must contain exactly one Reference; it contains ${references.length}.`, { path: pathOf(signedInfo) });
  }
  const reference = expectDs(references[0], 'Reference', signedInfo);

  const signedInfoC14n = readC14n(c14nEl, 'ALGORITHM_NOT_ALLOWED');

  const sigUri = algorithmAttr(sigMethodEl);
  const sigAlg = signatureAlgorithm(sigUri);
  if (sigAlg === undefined) {
    const why = /hmac/i.test(sigUri) ? ' HMAC is never accepted: a public certificate must not become a shared secret.' : '';
    throw new SamlGuardError('ALGORITHM_NOT_ALLOWED', `SignatureMethod ${quote(sigUri)} is not allowed.${why} Allowed: RSA-SHA256/384/512, ECDSA-SHA256/384/512.`, { path: pathOf(sigMethodEl) });
  }
  if (sigAlg.sha1 && policy.allowSha1 !== true) throw sha1Refused('SignatureMethod', sigUri, sigMethodEl);
  requireNoChildren(sigMethodEl);

  // Reference: URI="#id", or URI="" (the whole document). Nothing else: no XPointer, nothing external.
  // URI="" on the document element's signature covers exactly that element; elsewhere it covers more
  // than the signed element (still including it) and needs the opt-in.
  const uriAttr = reference.getAttributeNode('URI');
  const uri = uriAttr?.value;
  const isRoot = element.ownerDocument?.documentElement === element;
  const wholeDocument = uri === '' && (isRoot || policy.allowEmptyReferenceUri === true);
  if (!wholeDocument && (uri === undefined || !/^#[^\s#()'"]+$/.test(uri) || uri.startsWith('#xpointer'))) {
    const hint = uri === '' ? ` (URI="" signs the whole document; on a signature of <${element.localName}>, which is not the document element, opt in with allowEmptyReferenceUri if your IdP signs that way)` : '';
    throw new SamlGuardError('REFERENCE_INVALID', `Reference URI ${quote(uri ?? null)} is not allowed; it must be "#" followed by the ID of the signed element${hint}.`, { path: pathOf(reference) });
  }
  const refParts = strictChildren(reference);
  let i = 0;
  const transforms: string[] = [];
  let transformC14n: { algorithm: C14nAlgorithm; prefixes: string[] | undefined } | undefined;
  let enveloped = false;
  if (refParts[0]?.localName === 'Transforms' && refParts[0].namespaceURI === DSIG_NS) {
    const list = strictChildren(refParts[0]);
    if (list.length > 2) throw new SamlGuardError('TRANSFORM_NOT_ALLOWED', `A Reference may apply at most two transforms (enveloped-signature and one canonicalization); it lists ${list.length}.`, { path: pathOf(refParts[0]) });
    for (const t of list) {
      expectDs(t, 'Transform', refParts[0]);
      const tUri = algorithmAttr(t);
      transforms.push(tUri);
      if (tUri === ENVELOPED_SIGNATURE) {
        if (enveloped) throw new SamlGuardError('TRANSFORM_NOT_ALLOWED', 'The enveloped-signature transform is listed twice.', { path: pathOf(t) });
        if (transformC14n !== undefined) throw new SamlGuardError('TRANSFORM_NOT_ALLOWED', 'The enveloped-signature transform must come before canonicalization.', { path: pathOf(t) });
        ignoreXmlCryptoPrefixList(t);
        enveloped = true;
      } else if (canonicalizationAlgorithm(tUri) !== undefined) {
        if (transformC14n !== undefined) throw new SamlGuardError('TRANSFORM_NOT_ALLOWED', 'Only one canonicalization transform is allowed.', { path: pathOf(t) });
        transformC14n = readC14n(t, 'TRANSFORM_NOT_ALLOWED');
      } else {
        throw new SamlGuardError('TRANSFORM_NOT_ALLOWED', `Transform ${quote(tUri)} is not allowed; only enveloped-signature and canonicalization are (no XPath, XSLT or Base64).`, { path: pathOf(t) });
      }
    }
    i = 1;
  }
  if (!enveloped) {
    throw new SamlGuardError('TRANSFORM_NOT_ALLOWED', 'The Reference must apply the enveloped-signature transform: samlguard accepts only signatures enveloped in the element they sign.', { path: pathOf(reference) });
  }
  const digestMethodEl = expectDs(refParts[i], 'DigestMethod', reference);
  const digestValueEl = expectDs(refParts[i + 1], 'DigestValue', reference);
  if (refParts.length > i + 2) throw shapeError(`ds:Reference has unexpected <${refParts[i + 2]!.localName}>.`, reference);
  const digestUri = algorithmAttr(digestMethodEl);
  const digAlg = digestAlgorithm(digestUri);
  if (digAlg === undefined) throw new SamlGuardError('ALGORITHM_NOT_ALLOWED', `DigestMethod ${quote(digestUri)} is not allowed; use SHA-256, SHA-384 or SHA-512.`, { path: pathOf(digestMethodEl) });
  if (digAlg.sha1 && policy.allowSha1 !== true) throw sha1Refused('DigestMethod', digestUri, digestMethodEl);
  requireNoChildren(digestMethodEl);

  const digestValue = decodeStrictBase64(leafText(digestValueEl));
  if (digestValue === undefined) throw shapeError('ds:DigestValue is not valid base64.', digestValueEl);
  const signatureValue = decodeStrictBase64(leafText(signatureValueEl));
  if (signatureValue === undefined) throw shapeError('ds:SignatureValue is not valid base64.', signatureValueEl);

  return {
    signature,
    signedInfo,
    signedInfoC14n,
    signatureAlgorithm: sigAlg,
    reference,
    referenceId: wholeDocument ? null : uri!.slice(1),
    // Without an explicit canonicalization transform, XML-DSig converts the node-set with Canonical XML 1.0.
    transformC14n: transformC14n ?? { algorithm: C14N.C14N10, prefixes: undefined },
    transforms,
    digestAlgorithm: digAlg,
    digestValue,
    signatureValue,
    keyInfoCertificates: keyInfo ? readKeyInfoCertificates(keyInfo) : undefined,
  };
}

/** Certificates offered in KeyInfo/X509Data. Undefined when KeyInfo names none (then every configured key is tried). */
function readKeyInfoCertificates(keyInfo: Element): Uint8Array[] | undefined {
  const certs: Uint8Array[] = [];
  let offered = false;
  for (const data of childrenNS(keyInfo, DSIG_NS, 'X509Data')) {
    for (const c of childrenNS(data, DSIG_NS, 'X509Certificate')) {
      offered = true;
      const der = decodeStrictBase64(leafText(c));
      if (der === undefined) throw shapeError('ds:X509Certificate is not valid base64.', c);
      certs.push(der);
    }
  }
  return offered ? certs : undefined;
}

function* selectKeys(shape: Shape, trustedKeys: readonly TrustedKey[], policy: DsigPolicy): Task<TrustedKey[]> {
  let candidates: readonly TrustedKey[] = trustedKeys;
  if (shape.keyInfoCertificates !== undefined) {
    const offeredDer = shape.keyInfoCertificates;
    // The common case, the configured certificate itself, is a byte comparison: no parsing per request.
    candidates = trustedKeys.filter((k) => k.der !== undefined && offeredDer.some((d) => bytesEqual(d, k.der!)));
    if (candidates.length === 0) {
      // A certificate selects the configured key with the same public key too (IdPs re-issue
      // certificates for an unchanged key). It can never introduce a key of its own.
      const offered = offeredDer.map(describeCertificate);
      candidates = trustedKeys.filter((k) => offered.some((o) => o.spki !== undefined && o.spki === k.spki));
      if (candidates.length === 0) {
        const first = offered[0] ?? {};
        // WebCrypto cannot hash at parse time: the fingerprint for the message is computed here.
        if (first.subject !== undefined && first.fingerprint === undefined) first.fingerprint = colonHex(yield* digest('sha256', offeredDer[0]!));
        const claimed = first.fingerprint !== undefined ? `certificate ${quote(first.subject ?? '')} (SHA-256 fingerprint ${first.fingerprint})` : 'a certificate that could not be parsed';
        throw new SamlGuardError(
          'KEY_NOT_TRUSTED',
          `The signature claims ${claimed}, which is not among the ${trustedKeys.length} configured key(s). If the IdP rotated its signing key, add the new certificate (or refresh metadata).`,
          { path: pathOf(shape.signature), details: { claimedSubject: first.subject, claimedFingerprint: first.fingerprint } },
        );
      }
    }
  }
  return keysForSignature(candidates, shape.signatureAlgorithm, policy, pathOf(shape.signature), shape.keyInfoCertificates !== undefined);
}

/**
 * The keys among `candidates` that may check a signature made with `algorithm`: its family, and RSA keys
 * of at least `policy.minRsaKeyBits` (default 2048). KEY_NOT_TRUSTED when none is left. Every signature
 * samlguard checks goes through here, enveloped or over an HTTP-Redirect query, so one key policy holds.
 */
export function keysForSignature(candidates: readonly TrustedKey[], algorithm: SignatureAlgorithm, policy: DsigPolicy, path: string, selectedByKeyInfo = false): TrustedKey[] {
  const family = algorithm.family;
  const sameFamily = candidates.filter((k) => k.family === family);
  if (sameFamily.length === 0) {
    throw new SamlGuardError('KEY_NOT_TRUSTED', `The signature uses ${algorithm.name}, but no configured ${family === 'ec' ? 'EC' : 'RSA'} key ${selectedByKeyInfo ? 'matches the certificate in KeyInfo' : 'exists'}.`, {
      path,
      details: { signatureFamily: family },
    });
  }
  const minRsa = policy.minRsaKeyBits ?? DEFAULT_MIN_RSA_BITS;
  const strong = sameFamily.filter((k) => k.family !== 'rsa' || k.bits >= minRsa);
  if (strong.length === 0) {
    throw new SamlGuardError('KEY_NOT_TRUSTED', `The matching RSA key is ${sameFamily[0]!.bits} bits; the minimum is ${minRsa} (policy minRsaKeyBits).`, {
      path,
      details: { keyBits: sameFamily[0]!.bits, minRsaKeyBits: minRsa },
    });
  }
  return strong;
}

/**
 * Verify the enveloped signature that is a direct child of `element`, against configured keys only.
 * `element` must come from a document parsed by samlguard's parser (its ID index resolves the reference).
 * `trustedKeys` are keys from {@link importTrustedKeys} (import once, outside the request path); PEM/DER
 * certificates, public keys, KeyObjects and X509Certificates are accepted too and imported on the spot.
 * Returns the very element whose digest was checked, branded {@link Verified}.
 */
export function verifySignedElement(element: Element, trustedKeys: readonly (TrustedKey | KeyInput)[], policy: DsigPolicy = {}): VerifiedSignature {
  return runSync(verifySignedElementTask(element, trustedKeys, policy), 'verifySignedElement');
}

/** {@link verifySignedElement} as a task, for pipelines that run on either crypto backend. */
export function* verifySignedElementTask(element: Element, trustedKeys: readonly (TrustedKey | KeyInput)[], policy: DsigPolicy = {}): Task<VerifiedSignature> {
  const shape = readShape(element, policy);
  const candidates = yield* selectKeys(shape, toTrustedKeys(trustedKeys), policy);

  const signedInfoText = canonicalize(shape.signedInfo, shape.signedInfoC14n.algorithm, { inclusivePrefixes: shape.signedInfoC14n.prefixes });
  const alg = shape.signatureAlgorithm;
  let key: TrustedKey | undefined;
  for (const k of candidates) {
    if (yield* verifySignature(alg.hash, alg.family, k.key, signedInfoText, shape.signatureValue)) {
      key = k;
      break;
    }
  }
  if (key === undefined) {
    throw new SamlGuardError(
      'SIGNATURE_INVALID',
      candidates.length === 1
        ? 'The SignatureValue does not verify over SignedInfo with the configured key: the message was altered, or signed by another key.'
        : `The SignatureValue does not verify over SignedInfo with any of the ${candidates.length} candidate keys.`,
      { path: pathOf(shape.signature) },
    );
  }

  // SignedInfo is verified: its Reference can now be trusted to say what was signed.
  const doc = element.ownerDocument;
  const ids = doc ? idIndexOf(doc) : undefined;
  if (!doc || ids === undefined) {
    throw new SamlGuardError('REFERENCE_INVALID', 'The element does not come from a document parsed by samlguard, so its reference cannot be resolved safely.', { path: pathOf(element) });
  }
  // URI="": the node-set is the whole document, which contains the signed element wherever it is.
  const target = shape.referenceId === null ? element : ids.get(shape.referenceId);
  if (target !== element) {
    throw new SamlGuardError(
      'REFERENCE_INVALID',
      target == null
        ? `The Reference points at ${quote('#' + shape.referenceId)}, which is no element in the document; it must name the element carrying the signature (<${element.localName}>).`
        : `The Reference points at ${quote('#' + (shape.referenceId ?? ''))} (<${target.localName}> at ${pathOf(target)}), not at the <${element.localName}> that carries the signature.`,
      { path: pathOf(shape.reference) },
    );
  }

  // XML-DSig §4.3.3.3: a same-document reference ("#id" or "") yields a node-set WITHOUT comments, so a
  // #WithComments transform has none left to keep. Conforming signers digest the comment-free form.
  const c14nOptions = { exclude: shape.signature, inclusivePrefixes: shape.transformC14n.prefixes };
  const c14nAlgorithm = withoutComments(shape.transformC14n.algorithm);
  const canonical =
    shape.referenceId === null
      ? canonicalizeDocument(doc, c14nAlgorithm, c14nOptions)
      : canonicalize(element, c14nAlgorithm, c14nOptions);
  const computed = yield* digest(shape.digestAlgorithm.hash, canonical);
  if (!digestsEqual(computed, shape.digestValue)) {
    const what = shape.referenceId === null ? 'the whole document (Reference URI="")' : `<${element.localName}>`;
    throw new SamlGuardError('DIGEST_MISMATCH', `The digest of ${what} does not match its signed DigestValue: the ${shape.referenceId === null ? 'document' : 'element'} was modified after signing.`, { path: pathOf(element) });
  }

  return {
    element: element as Verified<Element>,
    key,
    algorithms: Object.freeze({
      signature: alg.uri,
      digest: shape.digestAlgorithm.uri,
      canonicalization: shape.signedInfoC14n.algorithm,
      transforms: Object.freeze([...shape.transforms]),
    }),
  };
}
