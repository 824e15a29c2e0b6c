// The node:crypto backend (Node, Bun): OpenSSL/BoringSSL, synchronous. The web build replaces this file
// with backend-web.ts (tsup.config.ts); both export the same names.
import { createDecipheriv, createHash, createPrivateKey, createPublicKey, randomBytes, sign, timingSafeEqual, verify, KeyObject, X509Certificate } from 'node:crypto';
import { rsaOaepDecrypt as oaep } from './oaep.js';
import type { CertificateInfo, HashName, KeyFamily, PrivateKeyHandle, PublicKeyHandle, PublicKeyInfo } from './types.js';

/** Which backend this build carries. */
export const BACKEND = 'node' as const;

const CURVE_BITS: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };

/** Hash text (as UTF-8) or bytes. Synchronous here; a Promise under WebCrypto. */
export function digest(hash: HashName, data: string | Uint8Array): Uint8Array {
  return createHash(hash).update(data).digest();
}

/** The synchronous digest, where the backend has one (for fingerprints computed at key import). */
export const digestSync: ((hash: HashName, data: string | Uint8Array) => Uint8Array) | undefined = digest;

/** Constant-time comparison of two digests (different lengths compare unequal). */
export function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Verify a signature over UTF-8 text. RSA uses PKCS#1 v1.5 (what XML-DSig's rsa-sha* URIs mean);
 * ECDSA signatures in XML-DSig are the raw r||s concatenation, i.e. IEEE P1363, not DER.
 * False (never a throw) for a malformed signature value.
 */
export function verifySignature(hash: HashName, family: KeyFamily, key: PublicKeyHandle, text: string, signature: Uint8Array): boolean {
  try {
    const data = Buffer.from(text, 'utf8');
    return family === 'ec' ? verify(hash, data, { key: key as KeyObject, dsaEncoding: 'ieee-p1363' }, signature) : verify(hash, data, key as KeyObject, signature);
  } catch {
    return false;
  }
}

/**
 * Sign UTF-8 text (canonical SignedInfo, or the exact query string of the HTTP-Redirect binding):
 * RSA PKCS#1 v1.5, or ECDSA as IEEE P1363 r||s (XML-DSig's ecdsa-sha* and the bindings' SigAlg).
 */
export function signText(hash: HashName, family: KeyFamily, key: KeyObject, text: string): Uint8Array {
  const data = Buffer.from(text, 'utf8');
  return family === 'ec' ? sign(hash, data, { key, dsaEncoding: 'ieee-p1363' }) : sign(hash, data, key);
}

/** Cryptographically random bytes (request IDs, token IDs, RelayState handles). */
export function randomId(bytes: number): Uint8Array {
  return randomBytes(bytes);
}

/** RSA-OAEP key transport with any OAEP/MGF1 hash pair; undefined on any failure, without saying which. */
export function rsaOaepDecrypt(key: PrivateKeyHandle, ciphertext: Uint8Array, hash: HashName, mgf: HashName, label: Uint8Array | undefined): Uint8Array | undefined {
  return oaep(key as KeyObject, ciphertext, hash, mgf, label);
}

/** Whether AES with this key size is available (always, with OpenSSL). */
export function aesSupported(_keyBytes: number): boolean {
  return true;
}

/** AES-GCM (IV ‖ ciphertext ‖ 128-bit tag) or AES-CBC (IV ‖ ciphertext, ISO 10126 padding); undefined on any failure. */
export function aesDecrypt(mode: 'gcm' | 'cbc', cek: Uint8Array, data: Uint8Array): Uint8Array | undefined {
  const cipher = `aes-${cek.length * 8}-${mode}`;
  try {
    if (mode === 'gcm') {
      if (data.length < 12 + 16) return undefined;
      const decipher = createDecipheriv(cipher as 'aes-256-gcm', cek, data.subarray(0, 12), { authTagLength: 16 });
      decipher.setAuthTag(data.subarray(data.length - 16));
      return Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
    }
    if (data.length < 32 || data.length % 16 !== 0) return undefined;
    const decipher = createDecipheriv(cipher, cek, data.subarray(0, 16));
    decipher.setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]);
    const pad = plain[plain.length - 1]!;
    if (pad < 1 || pad > 16) return undefined;
    return plain.subarray(0, plain.length - pad);
  } catch {
    return undefined;
  }
}

function describe(key: KeyObject): PublicKeyInfo {
  const spki = key.export({ type: 'spki', format: 'der' });
  const type = key.asymmetricKeyType;
  if (type === 'rsa') return { handle: key, family: 'rsa', bits: key.asymmetricKeyDetails?.modulusLength ?? 0, description: 'RSA', spki };
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
    const bits = CURVE_BITS[curve];
    return bits === undefined ? { handle: key, family: 'other', bits: 0, description: `EC curve "${curve}"`, spki } : { handle: key, family: 'ec', bits, description: curve, spki };
  }
  return { handle: key, family: 'other', bits: 0, description: `a ${String(type)} key`, spki };
}

/** Import a public key from SPKI (or PKCS#1 RSAPublicKey) DER. Throws on anything else. */
export function importPublicKey(der: Uint8Array, form: 'spki' | 'pkcs1' = 'spki'): PublicKeyInfo {
  return describe(createPublicKey({ key: Buffer.from(der), format: 'der', type: form }));
}

/** Read a certificate (DER). Throws when it is not one. */
export function readCertificateDer(der: Uint8Array): CertificateInfo {
  const certificate = new X509Certificate(der);
  return { spki: certificate.publicKey.export({ type: 'spki', format: 'der' }), subject: certificate.subject.replace(/\n/g, ', '), fingerprint: certificate.fingerprint256, certificate };
}

/**
 * Keys handed over as objects: a KeyObject or an X509Certificate. Undefined for anything else; a
 * private or secret KeyObject is reported as `kind` so the caller can refuse it by name.
 */
export function publicKeyFromObject(input: unknown): { info: PublicKeyInfo; certificate?: CertificateInfo; der?: Uint8Array } | { kind: string } | undefined {
  if (input instanceof X509Certificate) {
    const cert = readCertificateDer(input.raw);
    return { info: describe(input.publicKey), certificate: cert, der: input.raw };
  }
  if (input instanceof KeyObject) return input.type === 'public' ? { info: describe(input) } : { kind: input.type };
  return undefined;
}

/** Import an RSA private key for decryption: PEM (PKCS#8/PKCS#1, encrypted with its passphrase), DER PKCS#8, or a KeyObject. */
export function importPrivateKey(input: unknown): { handle: PrivateKeyHandle; family: string; bits: number } {
  let key: KeyObject;
  if (input instanceof KeyObject) key = input;
  else if (typeof input === 'string') key = createPrivateKey(input);
  else if (input instanceof Uint8Array) key = createPrivateKey({ key: Buffer.from(input), format: 'der', type: 'pkcs8' });
  else if (input !== null && typeof input === 'object' && 'passphrase' in input) {
    const { key: material, passphrase } = input as { key: string | Uint8Array; passphrase: string };
    key = typeof material === 'string' ? createPrivateKey({ key: material, passphrase, format: 'pem' }) : createPrivateKey({ key: Buffer.from(material), passphrase, format: 'der', type: 'pkcs8' });
  } else throw new Error('unsupported form');
  return { handle: key, family: key.type === 'private' ? String(key.asymmetricKeyType) : key.type, bits: key.asymmetricKeyDetails?.modulusLength ?? 0 };
}
