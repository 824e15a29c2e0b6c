/**
 * A deliberately naive, INDEPENDENT XML-DSig check (xml-crypto's canonicalizers + node:crypto) for
 * one enveloped signature. It exists to cross-check fixtures/signer.ts for algorithms xml-crypto's
 * SignedXml lacks (rsa-sha384, ECDSA, SHA-384 digests, c14n 1.1), and to show that an attack
 * document is "valid" to a naive verifier. It is NOT a model of what samlguard should accept.
 */
import { createHash, verify, type KeyObject } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { childElements, findAllById, NS, parseXml } from '../../fixtures/mutate.js';
import { isExclusive, referenceCanonicalize, type ReferenceC14nAlgorithm } from './reference-c14n.js';

const SIGNATURE_HASHES: Record<string, { hash: string; ecdsa: boolean }> = {
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': { hash: 'sha1', ecdsa: false },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': { hash: 'sha256', ecdsa: false },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384': { hash: 'sha384', ecdsa: false },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': { hash: 'sha512', ecdsa: false },
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

const WITHOUT_COMMENTS: Record<string, string> = {
  'http://www.w3.org/2001/10/xml-exc-c14n#WithComments': 'http://www.w3.org/2001/10/xml-exc-c14n#',
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments': 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  'http://www.w3.org/2006/12/xml-c14n11#WithComments': 'http://www.w3.org/2006/12/xml-c14n11',
};

export interface ReferenceVerification {
  digestMatches: boolean;
  signatureMatches: boolean;
  /** The canonical SignedInfo that was verified. */
  signedInfo: string;
  /** The canonical referenced element the digest was computed over. */
  referenced: string;
}

function child(parent: Element, localName: string): Element {
  const found = childElements(parent).find((e) => e.namespaceURI === NS.ds && e.localName === localName);
  if (!found) throw new Error(`reference verify: no ds:${localName} under ${parent.tagName}`);
  return found;
}

function algorithmOf(element: Element): string {
  return element.getAttribute('Algorithm') ?? '';
}

function prefixList(parent: Element): string[] | undefined {
  const inclusive = childElements(parent).find((e) => e.namespaceURI === NS.ec && e.localName === 'InclusiveNamespaces');
  const list = inclusive?.getAttribute('PrefixList');
  return list == null ? undefined : list.split(/\s+/).filter(Boolean);
}

/**
 * Checks the `index`-th ds:Signature (document order) of `xml`, which must be an enveloped signature
 * with one same-document Reference whose last transform is a c14n algorithm.
 */
export function referenceVerify(xml: string, publicKey: KeyObject, index = 0): ReferenceVerification {
  const doc = parseXml(xml);
  const signatures = doc.getElementsByTagNameNS(NS.ds, 'Signature');
  const signature = signatures.item(index);
  if (!signature) throw new Error(`reference verify: no ds:Signature #${index}`);

  const signedInfo = child(signature, 'SignedInfo');
  const c14nMethod = child(signedInfo, 'CanonicalizationMethod');
  const reference = child(signedInfo, 'Reference');
  const transforms = childElements(child(reference, 'Transforms'));
  const c14nTransform = transforms[transforms.length - 1];
  if (!c14nTransform) throw new Error('reference verify: no transforms');

  const uri = reference.getAttribute('URI') ?? '';
  const [target, ...others] = findAllById(doc, uri.replace(/^#/, ''));
  if (!target || others.length > 0) throw new Error(`reference verify: URI ${uri} does not name exactly one element`);

  // URI="#id" dereferences to a node-set without comments (XML-DSig core, "Same-Document URI-References").
  const transformAlgorithm = algorithmOf(c14nTransform);
  const referenceAlgorithm = (WITHOUT_COMMENTS[transformAlgorithm] ?? transformAlgorithm) as ReferenceC14nAlgorithm;
  const referenced = referenceCanonicalize(target, referenceAlgorithm, {
    exclude: signature,
    inclusivePrefixes: isExclusive(referenceAlgorithm) ? prefixList(c14nTransform) : undefined,
  });
  const digestHash = DIGEST_HASHES[algorithmOf(child(reference, 'DigestMethod'))];
  if (!digestHash) throw new Error('reference verify: unknown DigestMethod');
  const digest = createHash(digestHash).update(referenced, 'utf8').digest('base64');
  const digestMatches = digest === child(reference, 'DigestValue').textContent?.trim();

  const signedInfoAlgorithm = algorithmOf(c14nMethod) as ReferenceC14nAlgorithm;
  const canonicalSignedInfo = referenceCanonicalize(signedInfo, signedInfoAlgorithm, {
    inclusivePrefixes: isExclusive(signedInfoAlgorithm) ? prefixList(c14nMethod) : undefined,
  });
  const method = SIGNATURE_HASHES[algorithmOf(child(signedInfo, 'SignatureMethod'))];
  if (!method) throw new Error('reference verify: unknown SignatureMethod');
  const value = Buffer.from(child(signature, 'SignatureValue').textContent ?? '', 'base64');
  const data = Buffer.from(canonicalSignedInfo, 'utf8');
  const signatureMatches = method.ecdsa
    ? verify(method.hash, data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, value)
    : verify(method.hash, data, publicKey, value);

  return { digestMatches, signatureMatches, signedInfo: canonicalSignedInfo, referenced };
}

/** xml-crypto's own verdict on the `index`-th ds:Signature, trusting only `certificatePem` (KeyInfo ignored). */
export function xmlCryptoCheck(xml: string, certificatePem: string, index = 0): boolean {
  const signature = parseXml(xml).getElementsByTagNameNS(NS.ds, 'Signature').item(index);
  if (!signature) throw new Error(`xml-crypto check: no ds:Signature #${index}`);
  const signed = new SignedXml({ publicCert: certificatePem, getCertFromKeyInfo: () => null });
  signed.loadSignature(signature as never);
  try {
    return signed.checkSignature(xml);
  } catch (error) {
    // xml-crypto throws, rather than returning false, on a bad digest or signature value. Anything
    // else (unsupported algorithm, malformed signature) is a broken test and must not read as "false".
    const message = (error as Error).message;
    if (message.startsWith('invalid signature') || message === 'No references passed validation') return false;
    throw error;
  }
}
