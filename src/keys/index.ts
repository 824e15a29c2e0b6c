import type { KeyObject, X509Certificate } from 'node:crypto';
import { SamlGuardError } from '../errors.js';
import { base64Decode, base64Encode } from '../bytes/index.js';
import { colonHex, digest, digestSync, importPublicKey, publicKeyFromObject, readCertificateDer, type CertificateInfo, type KeyFamily, type PublicKeyHandle, type PublicKeyInfo, type Task } from '../crypto/index.js';

/** Anything a caller may configure as a trusted IdP signing key (KeyObject and X509Certificate on Node only). */
export type KeyInput = string | Uint8Array | KeyObject | X509Certificate;

/** A configured key, imported once. The only keys signatures are ever checked against. */
export interface TrustedKey {
  /** The key as the crypto backend holds it: a node:crypto KeyObject, or (edge runtimes) a WebCrypto source. */
  readonly key: PublicKeyHandle;
  readonly family: KeyFamily;
  /** RSA modulus length in bits; for EC, the curve's field size. */
  readonly bits: number;
  /** The certificate it came from, if any (Node only). */
  readonly certificate?: X509Certificate;
  /** SHA-256 of the certificate DER, upper-case hex with colons (as `openssl x509 -fingerprint -sha256`). Absent on WebCrypto runtimes, which cannot hash synchronously. */
  readonly fingerprint?: string;
  readonly subject?: string;
  /** SubjectPublicKeyInfo DER (base64): a certificate re-issued for the same key still selects it. */
  readonly spki: string;
  /** SHA-256 of the SubjectPublicKeyInfo DER, colon hex: identifies bare public keys. Absent on WebCrypto runtimes (see `signature.certificateFingerprint` in results). */
  readonly spkiFingerprint?: string;
  /** The certificate's DER, for a byte comparison with KeyInfo that needs no certificate parsing. */
  readonly der?: Uint8Array;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Strict base64: whitespace between characters is allowed, anything else (or bad padding) is not. */
export function decodeStrictBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/[\t\n\r ]+/g, '');
  if (compact.length === 0) return undefined;
  return base64Decode(compact);
}

function fromPublicKey(info: PublicKeyInfo, where: string, cert?: CertificateInfo, der?: Uint8Array): TrustedKey {
  if (info.family === 'other') {
    const what = info.description.startsWith('EC curve') ? `uses ${info.description}; supported curves are P-256, P-384 and P-521` : `is ${info.description}; XML-DSig keys must be RSA or EC (ECDSA)`;
    throw new SamlGuardError('CONFIG_INVALID', `${where} ${what}.`);
  }
  const spki = base64Encode(info.spki);
  const fp = digestSync === undefined ? undefined : colonHex(digestSync('sha256', info.spki));
  return brand({
    key: info.handle,
    family: info.family,
    bits: info.bits,
    spki,
    ...(fp !== undefined ? { spkiFingerprint: fp } : {}),
    ...(cert
      ? { ...(cert.certificate ? { certificate: cert.certificate } : {}), ...(cert.fingerprint !== undefined ? { fingerprint: cert.fingerprint } : {}), subject: cert.subject, ...(der ? { der } : {}) }
      : {}),
  });
}

// Keys this module imported (and so checked). Anything else handed to the verifier is imported first.
const imported = new WeakSet<object>();

function brand(key: TrustedKey): TrustedKey {
  Object.freeze(key);
  imported.add(key);
  return key;
}

/** True for a key produced by {@link importTrustedKeys}. */
export function isTrustedKey(value: unknown): value is TrustedKey {
  return typeof value === 'object' && value !== null && imported.has(value);
}

/**
 * Keys as the verifier uses them: imported {@link TrustedKey}s pass through; PEM/DER/KeyObject/X509 inputs
 * are imported here (convenient, but import once with importTrustedKeys for the per-request path).
 */
export function toTrustedKeys(keys: readonly (TrustedKey | KeyInput)[]): readonly TrustedKey[] {
  if (keys.every(isTrustedKey)) return keys as readonly TrustedKey[];
  const out: TrustedKey[] = [];
  keys.forEach((k, i) => {
    if (isTrustedKey(k)) out.push(k);
    else out.push(...importTrustedKeys([k], `trustedKeys[${i}]`).map((x) => x));
  });
  return out;
}

function fromCertificateDer(der: Uint8Array, where: string): TrustedKey {
  let cert: CertificateInfo;
  try {
    cert = readCertificateDer(der);
  } catch (cause) {
    throw new SamlGuardError('CONFIG_INVALID', `${where} is not a valid X.509 certificate.`, { cause });
  }
  return fromPublicKey(publicKey(cert.spki, 'spki', where), where, cert, der);
}

function publicKey(der: Uint8Array, form: 'spki' | 'pkcs1', where: string): PublicKeyInfo {
  try {
    return importPublicKey(der, form);
  } catch (cause) {
    throw new SamlGuardError('CONFIG_INVALID', `${where} is not a valid ${form === 'spki' ? 'SubjectPublicKeyInfo' : 'PKCS#1 RSA public key'}.`, { cause });
  }
}

function fromText(text: string, where: string): TrustedKey[] {
  if (text.includes('-----BEGIN')) {
    const out: TrustedKey[] = [];
    for (const m of text.matchAll(PEM_BLOCK)) {
      const label = m[1] ?? '';
      const der = decodeStrictBase64(m[2] ?? '');
      if (!der) throw new SamlGuardError('CONFIG_INVALID', `${where}: the PEM block "${label}" is not valid base64.`);
      if (label === 'CERTIFICATE' || label === 'X509 CERTIFICATE' || label === 'TRUSTED CERTIFICATE') out.push(fromCertificateDer(der, where));
      else if (label === 'PUBLIC KEY') out.push(fromPublicKey(publicKey(der, 'spki', where), where));
      else if (label === 'RSA PUBLIC KEY') out.push(fromPublicKey(publicKey(der, 'pkcs1', where), where));
      else if (label.includes('PRIVATE KEY')) {
        throw new SamlGuardError('CONFIG_INVALID', `${where} is a private key; configure the IdP's public certificate, and keep private keys out of verifier configuration.`);
      } else throw new SamlGuardError('CONFIG_INVALID', `${where}: unsupported PEM block "${label}" (expected CERTIFICATE or PUBLIC KEY).`);
    }
    if (out.length === 0) throw new SamlGuardError('CONFIG_INVALID', `${where}: no complete PEM block found.`);
    return out;
  }
  const der = decodeStrictBase64(text);
  if (!der) throw new SamlGuardError('CONFIG_INVALID', `${where} is neither PEM nor base64 DER.`);
  return [fromDer(der, where)];
}

function fromDer(der: Uint8Array, where: string): TrustedKey {
  try {
    return fromCertificateDer(der, where);
  } catch (certError) {
    let info: PublicKeyInfo;
    try {
      info = importPublicKey(der, 'spki');
    } catch {
      throw certError;
    }
    return fromPublicKey(info, where);
  }
}

/**
 * Import configured keys once: PEM certificates (armor optional, any whitespace), base64 or binary DER
 * certificates, PEM/DER SubjectPublicKeyInfo, `KeyObject`s and `X509Certificate`s. Private and secret
 * keys are refused: a verifier never needs one, and a secret key would invite HMAC key confusion.
 */
export function importTrustedKeys(inputs: readonly KeyInput[], label = 'idp.certificates'): TrustedKey[] {
  const out: TrustedKey[] = [];
  inputs.forEach((input, i) => {
    const where = `${label}[${i}]`;
    if (typeof input === 'string') out.push(...fromText(input, where));
    else if (input instanceof Uint8Array) out.push(fromDer(input, where));
    else {
      const object = publicKeyFromObject(input);
      if (object === undefined) throw new SamlGuardError('CONFIG_INVALID', `${where} must be a PEM/base64 string, DER bytes, a KeyObject or an X509Certificate.`);
      if ('kind' in object) throw new SamlGuardError('CONFIG_INVALID', `${where} is a ${object.kind} key; configure the IdP's public certificate or public key.`);
      out.push(fromPublicKey(object.info, where, object.certificate, object.der));
    }
  });
  return out;
}

/** Describe a certificate for an operator: subject, SHA-256 fingerprint (Node only) and SPKI. */
export function describeCertificate(der: Uint8Array): { subject?: string; fingerprint?: string; spki?: string } {
  try {
    const cert = readCertificateDer(der);
    return { subject: cert.subject, ...(cert.fingerprint !== undefined ? { fingerprint: cert.fingerprint } : {}), spki: base64Encode(cert.spki) };
  } catch {
    return {};
  }
}

const lateFingerprints = new WeakMap<TrustedKey, string>();

/**
 * The key's fingerprint as results report it: the certificate's SHA-256 when it came from one, else its
 * SPKI's. Imported keys carry it already under node:crypto; WebCrypto computes it on first use.
 */
export function* fingerprintOf(key: TrustedKey): Task<string> {
  const known = key.fingerprint ?? key.spkiFingerprint ?? lateFingerprints.get(key);
  if (known !== undefined) return known;
  const computed = colonHex(yield* digest('sha256', key.der ?? base64Decode(key.spki)!));
  lateFingerprints.set(key, computed);
  return computed;
}
