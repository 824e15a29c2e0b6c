import type { HashName } from '../crypto/index.js';

export const XENC_NS = 'http://www.w3.org/2001/04/xmlenc#';
export const XENC11_NS = 'http://www.w3.org/2009/xmlenc11#';
export const ENCRYPTED_KEY_TYPE = 'http://www.w3.org/2001/04/xmlenc#EncryptedKey';

export const RSA_OAEP_MGF1P = 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p';
export const RSA_OAEP_11 = 'http://www.w3.org/2009/xmlenc11#rsa-oaep';
export const RSA_1_5 = 'http://www.w3.org/2001/04/xmlenc#rsa-1_5';

export interface ContentAlgorithm {
  readonly uri: string;
  readonly mode: 'gcm' | 'cbc';
  readonly keyBytes: 16 | 24 | 32;
}

const content = (uri: string, mode: 'gcm' | 'cbc', keyBytes: 16 | 24 | 32): ContentAlgorithm =>
  Object.freeze({ uri, mode, keyBytes });

/** Block encryption allow-list. CBC is allowed by default (IdPs still use it) and can be switched off. */
const CONTENT: ReadonlyMap<string, ContentAlgorithm> = new Map(
  [
    content('http://www.w3.org/2009/xmlenc11#aes128-gcm', 'gcm', 16),
    content('http://www.w3.org/2009/xmlenc11#aes192-gcm', 'gcm', 24),
    content('http://www.w3.org/2009/xmlenc11#aes256-gcm', 'gcm', 32),
    content('http://www.w3.org/2001/04/xmlenc#aes128-cbc', 'cbc', 16),
    content('http://www.w3.org/2001/04/xmlenc#aes192-cbc', 'cbc', 24),
    content('http://www.w3.org/2001/04/xmlenc#aes256-cbc', 'cbc', 32),
  ].map((a) => [a.uri, a]),
);

export function contentAlgorithm(uri: string): ContentAlgorithm | undefined {
  return CONTENT.get(uri);
}

/** DigestMethod values allowed inside RSA-OAEP (the OAEP hash). SHA-1 is acceptable here: OAEP's security does not rest on collision resistance. */
const OAEP_DIGESTS: ReadonlyMap<string, HashName> = new Map([
  ['http://www.w3.org/2000/09/xmldsig#sha1', 'sha1'],
  ['http://www.w3.org/2001/04/xmlenc#sha256', 'sha256'],
  ['http://www.w3.org/2001/04/xmldsig-more#sha384', 'sha384'],
  ['http://www.w3.org/2001/04/xmlenc#sha512', 'sha512'],
]);

/** MGF URIs of XML Encryption 1.1. */
const MGFS: ReadonlyMap<string, HashName> = new Map([
  ['http://www.w3.org/2009/xmlenc11#mgf1sha1', 'sha1'],
  ['http://www.w3.org/2009/xmlenc11#mgf1sha256', 'sha256'],
  ['http://www.w3.org/2009/xmlenc11#mgf1sha384', 'sha384'],
  ['http://www.w3.org/2009/xmlenc11#mgf1sha512', 'sha512'],
]);

export function oaepDigest(uri: string): HashName | undefined {
  return OAEP_DIGESTS.get(uri);
}

export function mgfHash(uri: string): HashName | undefined {
  return MGFS.get(uri);
}
