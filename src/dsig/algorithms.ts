import type { HashName, KeyFamily } from '../crypto/index.js';
import { C14N, type C14nAlgorithm } from '../c14n/index.js';

export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const EXC_C14N_NS = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const ECDSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';
export const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';

export interface SignatureAlgorithm {
  readonly uri: string;
  readonly name: string;
  readonly family: KeyFamily;
  readonly hash: HashName;
  /** SHA-1 based: accepted only with the `allowSha1` opt-in. */
  readonly sha1: boolean;
}

export interface DigestAlgorithm {
  readonly uri: string;
  readonly name: string;
  readonly hash: HashName;
  readonly sha1: boolean;
}

const sig = (uri: string, name: string, family: KeyFamily, hash: HashName): SignatureAlgorithm =>
  Object.freeze({ uri, name, family, hash, sha1: hash === 'sha1' });
const dig = (uri: string, name: string, hash: HashName): DigestAlgorithm => Object.freeze({ uri, name, hash, sha1: hash === 'sha1' });

/**
 * The one allow-list of signature methods. Anything not here — HMAC above all, since a public
 * certificate must never become an HMAC secret, and DSA — is refused with ALGORITHM_NOT_ALLOWED.
 * Frozen, and not exported as a mutable map: nothing outside this module can widen it.
 */
const SIGNATURE_ALGORITHMS: ReadonlyMap<string, SignatureAlgorithm> = new Map(
  [
    sig('http://www.w3.org/2000/09/xmldsig#rsa-sha1', 'rsa-sha1', 'rsa', 'sha1'),
    sig(RSA_SHA256, 'rsa-sha256', 'rsa', 'sha256'),
    sig('http://www.w3.org/2001/04/xmldsig-more#rsa-sha384', 'rsa-sha384', 'rsa', 'sha384'),
    sig('http://www.w3.org/2001/04/xmldsig-more#rsa-sha512', 'rsa-sha512', 'rsa', 'sha512'),
    sig('http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1', 'ecdsa-sha1', 'ec', 'sha1'),
    sig(ECDSA_SHA256, 'ecdsa-sha256', 'ec', 'sha256'),
    sig('http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384', 'ecdsa-sha384', 'ec', 'sha384'),
    sig('http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512', 'ecdsa-sha512', 'ec', 'sha512'),
  ].map((a) => [a.uri, a]),
);

const DIGEST_ALGORITHMS: ReadonlyMap<string, DigestAlgorithm> = new Map(
  [
    dig('http://www.w3.org/2000/09/xmldsig#sha1', 'sha1', 'sha1'),
    dig(SHA256, 'sha256', 'sha256'),
    dig('http://www.w3.org/2001/04/xmldsig-more#sha384', 'sha384', 'sha384'),
    dig('http://www.w3.org/2001/04/xmlenc#sha512', 'sha512', 'sha512'),
  ].map((a) => [a.uri, a]),
);

/** Canonicalization methods allowed for SignedInfo and as Reference transforms. */
const C14N_ALGORITHMS: ReadonlySet<string> = new Set<string>(Object.values(C14N));

export function signatureAlgorithm(uri: string): SignatureAlgorithm | undefined {
  return SIGNATURE_ALGORITHMS.get(uri);
}
export function digestAlgorithm(uri: string): DigestAlgorithm | undefined {
  return DIGEST_ALGORITHMS.get(uri);
}
export function canonicalizationAlgorithm(uri: string): C14nAlgorithm | undefined {
  return C14N_ALGORITHMS.has(uri) ? (uri as C14nAlgorithm) : undefined;
}
