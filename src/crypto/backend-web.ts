// The WebCrypto backend (workerd, Deno, browsers): crypto.subtle only, so every operation is a Promise
// and no node: module is imported. Same exports as backend.ts, which the web build replaces with this
// file (tsup.config.ts). What WebCrypto cannot do is refused with RUNTIME_UNSUPPORTED, never guessed.
import { SamlGuardError } from '../errors.js';
import { base64Decode, concatBytes, utf8Encode } from '../bytes/index.js';
import { pkcs8RsaBits, readCertificate, readSpki, rsaPrivateKeyToPkcs8, rsaPublicKeyToSpki } from './der.js';
import type { CertificateInfo, HashName, KeyFamily, PrivateKeyHandle, PublicKeyHandle, PublicKeyInfo, WebPrivateKey, WebPublicKey } from './types.js';

/** Which backend this build carries. */
export const BACKEND = 'web' as const;

const HASH: Record<HashName, string> = { sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (s === undefined) throw new SamlGuardError('RUNTIME_UNSUPPORTED', 'This runtime has neither node:crypto nor WebCrypto (crypto.subtle); samlguard cannot verify signatures here.');
  return s;
}

function bytes(data: string | Uint8Array): Uint8Array<ArrayBuffer> {
  return (typeof data === 'string' ? utf8Encode(data) : data) as Uint8Array<ArrayBuffer>;
}

export function digest(hash: HashName, data: string | Uint8Array): Promise<Uint8Array> {
  return subtle().digest(HASH[hash], bytes(data)).then((b) => new Uint8Array(b));
}

/** WebCrypto has no synchronous digest: fingerprints are computed on first use instead. */
export const digestSync: ((hash: HashName, data: string | Uint8Array) => Uint8Array) | undefined = undefined;

export function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

// WebCrypto binds the hash to an RSA key at import, so each (key, hash) pair is imported once.
const verifyKeys = new WeakMap<WebPublicKey, Map<HashName, Promise<CryptoKey>>>();

function verifyKey(key: WebPublicKey, hash: HashName): Promise<CryptoKey> {
  let perHash = verifyKeys.get(key);
  if (perHash === undefined) verifyKeys.set(key, (perHash = new Map()));
  let imported = perHash.get(hash);
  if (imported === undefined) {
    const algorithm = key.family === 'ec' ? { name: 'ECDSA', namedCurve: key.curve! } : { name: 'RSASSA-PKCS1-v1_5', hash: HASH[hash] };
    imported = subtle().importKey('spki', bytes(key.spki), algorithm, false, ['verify']);
    perHash.set(hash, imported);
  }
  return imported;
}

/** ECDSA signatures are IEEE P1363 r||s in XML-DSig, which is also WebCrypto's format: no DER conversion. */
export async function verifySignature(hash: HashName, family: KeyFamily, key: PublicKeyHandle, text: string, signature: Uint8Array): Promise<boolean> {
  const k = key as WebPublicKey;
  if (k.kind !== 'web-public' || k.family !== family) return false;
  try {
    const algorithm = family === 'ec' ? { name: 'ECDSA', hash: HASH[hash] } : { name: 'RSASSA-PKCS1-v1_5' };
    return await subtle().verify(algorithm, await verifyKey(k, hash), bytes(signature), bytes(text));
  } catch {
    return false;
  }
}

export function signText(): never {
  throw new SamlGuardError('RUNTIME_UNSUPPORTED', 'Signing SAML messages needs node:crypto (Node or Bun); this runtime only verifies.');
}

export function randomId(n: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

const decryptKeys = new WeakMap<WebPrivateKey, Map<HashName, Promise<CryptoKey>>>();

/**
 * RSA-OAEP under WebCrypto, which uses one hash for OAEP and MGF1. XML Encryption's rsa-oaep-mgf1p with a
 * SHA-256 DigestMethod (MGF1 stays SHA-1) cannot be expressed: refused by name. The hashes come from the
 * EncryptionMethod, not from secret data, so the refusal tells an attacker nothing about the key.
 */
export async function rsaOaepDecrypt(key: PrivateKeyHandle, ciphertext: Uint8Array, hash: HashName, mgf: HashName, label: Uint8Array | undefined): Promise<Uint8Array | undefined> {
  if (hash !== mgf) {
    throw new SamlGuardError('RUNTIME_UNSUPPORTED', `RSA-OAEP with DigestMethod ${HASH[hash]} and MGF1 with ${HASH[mgf]}: WebCrypto uses one hash for both, so this runtime cannot decrypt it. Ask the IdP for matching hashes (xmlenc11#rsa-oaep with mgf1sha256 and SHA-256, or rsa-oaep-mgf1p with SHA-1), or decrypt on Node.`);
  }
  const k = key as WebPrivateKey;
  let perHash = decryptKeys.get(k);
  if (perHash === undefined) decryptKeys.set(k, (perHash = new Map()));
  let imported = perHash.get(hash);
  if (imported === undefined) {
    imported = subtle().importKey('pkcs8', bytes(k.pkcs8), { name: 'RSA-OAEP', hash: HASH[hash] }, false, ['decrypt']);
    perHash.set(hash, imported);
  }
  try {
    const params: RsaOaepParams = label !== undefined && label.length > 0 ? { name: 'RSA-OAEP', label: bytes(label) } : { name: 'RSA-OAEP' };
    return new Uint8Array(await subtle().decrypt(params, await imported, bytes(ciphertext)));
  } catch {
    return undefined;
  }
}

const aesSupport = new Map<number, Promise<boolean>>();

/** Some WebCrypto implementations (Chromium's, workerd's) refuse 192-bit AES keys; asked once per size. */
export function aesSupported(keyBytes: number): Promise<boolean> {
  let known = aesSupport.get(keyBytes);
  if (known === undefined) {
    known = subtle()
      .importKey('raw', new Uint8Array(keyBytes), 'AES-CBC', false, ['decrypt'])
      .then(() => true, () => false);
    aesSupport.set(keyBytes, known);
  }
  return known;
}

/**
 * AES-GCM, or AES-CBC with XML Encryption's ISO 10126 padding, which WebCrypto's PKCS#7 check would
 * reject: one extra block that decrypts to a full PKCS#7 pad is appended (encrypting that pad under
 * the last ciphertext block as IV makes it), so WebCrypto strips only its own block.
 */
export async function aesDecrypt(mode: 'gcm' | 'cbc', cek: Uint8Array, data: Uint8Array): Promise<Uint8Array | undefined> {
  try {
    if (mode === 'gcm') {
      if (data.length < 12 + 16) return undefined;
      const key = await subtle().importKey('raw', bytes(cek), 'AES-GCM', false, ['decrypt']);
      return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: bytes(data.subarray(0, 12)), tagLength: 128 }, key, bytes(data.subarray(12))));
    }
    if (data.length < 32 || data.length % 16 !== 0) return undefined;
    const key = await subtle().importKey('raw', bytes(cek), 'AES-CBC', false, ['encrypt', 'decrypt']);
    const body = data.subarray(16);
    const pad = new Uint8Array(16).fill(16);
    const extra = new Uint8Array(await subtle().encrypt({ name: 'AES-CBC', iv: bytes(body.subarray(body.length - 16)) }, key, pad)).subarray(0, 16);
    const plain = new Uint8Array(await subtle().decrypt({ name: 'AES-CBC', iv: bytes(data.subarray(0, 16)) }, key, bytes(concatBytes([body, extra]))));
    const n = plain[plain.length - 1]!;
    if (n < 1 || n > 16) return undefined;
    return plain.subarray(0, plain.length - n);
  } catch {
    return undefined;
  }
}

export function importPublicKey(der: Uint8Array, form: 'spki' | 'pkcs1' = 'spki'): PublicKeyInfo {
  const spki = form === 'pkcs1' ? rsaPublicKeyToSpki(der) : der;
  const info = readSpki(spki);
  if (info.family === 'other') return { handle: { kind: 'web-public', spki, family: 'rsa' }, family: 'other', bits: 0, description: info.description, spki };
  const handle: WebPublicKey = Object.freeze({ kind: 'web-public', spki, family: info.family, ...(info.curve ? { curve: info.curve } : {}) });
  return { handle, family: info.family, bits: info.bits, description: info.description, spki };
}

export function readCertificateDer(der: Uint8Array): CertificateInfo {
  return readCertificate(der);
}

/** KeyObject and X509Certificate do not exist here. */
export function publicKeyFromObject(_input: unknown): undefined {
  return undefined;
}

const PEM = /^-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----\s*$/;

export function importPrivateKey(input: unknown): { handle: PrivateKeyHandle; family: string; bits: number } {
  let pkcs8: Uint8Array | undefined;
  if (typeof input === 'string') {
    const m = PEM.exec(input.trim());
    const der = m ? base64Decode(m[2]!.replace(/\s+/g, '')) : undefined;
    if (m?.[1] === 'PRIVATE KEY') pkcs8 = der;
    else if (m?.[1] === 'RSA PRIVATE KEY' && der !== undefined) pkcs8 = rsaPrivateKeyToPkcs8(der);
    else if (m?.[1] === 'ENCRYPTED PRIVATE KEY' || /Proc-Type: 4,ENCRYPTED/.test(input)) {
      throw new SamlGuardError('RUNTIME_UNSUPPORTED', 'Passphrase-protected private keys need node:crypto; on this runtime configure the unencrypted PKCS#8 key (from a secret store).');
    }
  } else if (input instanceof Uint8Array) pkcs8 = input;
  else if (input !== null && typeof input === 'object' && 'passphrase' in input) {
    throw new SamlGuardError('RUNTIME_UNSUPPORTED', 'Passphrase-protected private keys need node:crypto; on this runtime configure the unencrypted PKCS#8 key (from a secret store).');
  }
  if (pkcs8 === undefined) throw new Error('unsupported form');
  const bits = pkcs8RsaBits(pkcs8);
  return { handle: Object.freeze({ kind: 'web-private', pkcs8 }), family: bits > 0 ? 'rsa' : 'unknown', bits };
}
