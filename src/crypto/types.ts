import type { KeyObject, X509Certificate } from 'node:crypto';

export type HashName = 'sha1' | 'sha256' | 'sha384' | 'sha512';
export type KeyFamily = 'rsa' | 'ec';

/** A public key on an edge runtime: its SPKI, imported into WebCrypto per hash on first use. */
export interface WebPublicKey {
  readonly kind: 'web-public';
  readonly spki: Uint8Array;
  readonly family: KeyFamily;
  readonly curve?: 'P-256' | 'P-384' | 'P-521';
}

/** An RSA private key on an edge runtime: PKCS#8, imported into WebCrypto per OAEP hash on first use. */
export interface WebPrivateKey {
  readonly kind: 'web-private';
  readonly pkcs8: Uint8Array;
}

/** A verification key as the active backend holds it: a node:crypto KeyObject, or a WebCrypto source. */
export type PublicKeyHandle = KeyObject | WebPublicKey;
/** A decryption key as the active backend holds it. */
export type PrivateKeyHandle = KeyObject | WebPrivateKey;

/** What the backend reads off a public key. */
export interface PublicKeyInfo {
  readonly handle: PublicKeyHandle;
  readonly family: KeyFamily | 'other';
  /** RSA modulus bits; EC field bits. */
  readonly bits: number;
  /** For 'other' and unsupported curves: what it is, for the error message. */
  readonly description: string;
  readonly spki: Uint8Array;
}

/** What the backend reads off a certificate. */
export interface CertificateInfo {
  readonly spki: Uint8Array;
  readonly subject: string;
  /** Upper-case colon hex SHA-256 of the DER, when the backend can compute it synchronously. */
  readonly fingerprint?: string;
  /** node:crypto's parsed certificate (Node only). */
  readonly certificate?: X509Certificate;
}
