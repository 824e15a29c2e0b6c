// Every cryptographic primitive samlguard uses goes through this module, so that a WebCrypto backend
// (edge runtimes) can replace it without touching the verifier. All of it is OpenSSL via node:crypto.
import { createHash, randomBytes, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';

export type HashName = 'sha1' | 'sha256' | 'sha384' | 'sha512';
export type KeyFamily = 'rsa' | 'ec';

/** Hash UTF-8 text (canonical XML) with the given algorithm. */
export function digestText(hash: HashName, text: string): Buffer {
  return createHash(hash).update(text, 'utf8').digest();
}

/** Hash bytes (key material, certificates). */
export function digestBytes(hash: HashName, data: Uint8Array): Buffer {
  return createHash(hash).update(data).digest();
}

/** Constant-time comparison of two digests (different lengths compare unequal). */
export function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Verify a signature over UTF-8 text. RSA uses PKCS#1 v1.5 (what XML-DSig's rsa-sha* URIs mean);
 * ECDSA signatures in XML-DSig are the raw r||s concatenation, i.e. IEEE P1363, not DER.
 * Returns false (never throws) for a malformed signature value.
 */
export function verifyText(hash: HashName, family: KeyFamily, key: KeyObject, text: string, signature: Uint8Array): boolean {
  try {
    const data = Buffer.from(text, 'utf8');
    return family === 'ec' ? verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature) : verify(hash, data, key, signature);
  } catch {
    return false;
  }
}

/**
 * Sign UTF-8 text (canonical SignedInfo, or the exact query string of the HTTP-Redirect binding) with a
 * private key: RSA PKCS#1 v1.5, or ECDSA as IEEE P1363 r||s, which is what XML-DSig's ecdsa-sha* URIs
 * and the SAML bindings' SigAlg mean.
 */
export function signText(hash: HashName, family: KeyFamily, key: KeyObject, text: string): Buffer {
  const data = Buffer.from(text, 'utf8');
  return family === 'ec' ? sign(hash, data, { key, dsaEncoding: 'ieee-p1363' }) : sign(hash, data, key);
}

/** Cryptographically random bytes (request IDs, token IDs, RelayState handles). */
export function randomId(bytes: number): Buffer {
  return randomBytes(bytes);
}
