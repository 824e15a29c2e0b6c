import { X509Certificate, createPublicKey, KeyObject } from 'node:crypto';
import { SamlGuardError, quote } from '../errors.js';
import { digestBytes, type KeyFamily } from '../crypto/index.js';

function colonHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

/** Anything a caller may configure as a trusted IdP signing key. */
export type KeyInput = string | Uint8Array | KeyObject | X509Certificate;

/** A configured key, imported once. The only keys signatures are ever checked against. */
export interface TrustedKey {
  readonly key: KeyObject;
  readonly family: KeyFamily;
  /** RSA modulus length in bits; for EC, the curve's field size. */
  readonly bits: number;
  /** The certificate it came from, if any. */
  readonly certificate?: X509Certificate;
  /** SHA-256 of the certificate DER, upper-case hex with colons (as `openssl x509 -fingerprint -sha256`). */
  readonly fingerprint?: string;
  readonly subject?: string;
  /** SubjectPublicKeyInfo DER (base64): a certificate re-issued for the same key still selects it. */
  readonly spki: string;
  /** SHA-256 of the SubjectPublicKeyInfo DER, colon hex: identifies bare public keys in results and logs. */
  readonly spkiFingerprint: string;
  /** The certificate's DER, for a byte comparison with KeyInfo that needs no certificate parsing. */
  readonly der?: Buffer;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const STRICT_B64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Strict base64: whitespace between characters is allowed, anything else (or bad padding) is not. */
export function decodeStrictBase64(text: string): Buffer | undefined {
  const compact = text.replace(/[\t\n\r ]+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !STRICT_B64.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

const CURVE_BITS: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };

function fromPublicKey(key: KeyObject, where: string, certificate?: X509Certificate): TrustedKey {
  if (key.type !== 'public') {
    throw new SamlGuardError('CONFIG_INVALID', `${where} is a ${key.type} key; configure the IdP's public certificate or public key.`);
  }
  const type = key.asymmetricKeyType;
  let family: KeyFamily;
  let bits: number;
  if (type === 'rsa') {
    family = 'rsa';
    bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  } else if (type === 'ec') {
    family = 'ec';
    const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
    bits = CURVE_BITS[curve] ?? 0;
    if (bits === 0) throw new SamlGuardError('CONFIG_INVALID', `${where} uses EC curve ${quote(curve)}; supported curves are P-256, P-384 and P-521.`);
  } else {
    throw new SamlGuardError('CONFIG_INVALID', `${where} is a ${String(type)} key; XML-DSig keys must be RSA or EC (ECDSA).`);
  }
  const spkiDer = key.export({ type: 'spki', format: 'der' });
  const spki = spkiDer.toString('base64');
  return brand({
    key,
    family,
    bits,
    spki,
    spkiFingerprint: colonHex(digestBytes('sha256', spkiDer)),
    ...(certificate ? { certificate, fingerprint: certificate.fingerprint256, subject: certificate.subject.replace(/\n/g, ', '), der: certificate.raw } : {}),
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

function fromCertificateDer(der: Buffer, where: string): TrustedKey {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch (cause) {
    throw new SamlGuardError('CONFIG_INVALID', `${where} is not a valid X.509 certificate.`, { cause });
  }
  return fromPublicKey(cert.publicKey, where, cert);
}

function fromText(text: string, where: string): TrustedKey[] {
  if (text.includes('-----BEGIN')) {
    const out: TrustedKey[] = [];
    for (const m of text.matchAll(PEM_BLOCK)) {
      const label = m[1] ?? '';
      const der = decodeStrictBase64(m[2] ?? '');
      if (!der) throw new SamlGuardError('CONFIG_INVALID', `${where}: the PEM block "${label}" is not valid base64.`);
      if (label === 'CERTIFICATE' || label === 'X509 CERTIFICATE' || label === 'TRUSTED CERTIFICATE') out.push(fromCertificateDer(der, where));
      else if (label === 'PUBLIC KEY') out.push(fromPublicKey(createPublicKey({ key: der, format: 'der', type: 'spki' }), where));
      else if (label === 'RSA PUBLIC KEY') out.push(fromPublicKey(createPublicKey({ key: der, format: 'der', type: 'pkcs1' }), where));
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

function fromDer(der: Buffer, where: string): TrustedKey {
  try {
    return fromCertificateDer(der, where);
  } catch (certError) {
    try {
      return fromPublicKey(createPublicKey({ key: der, format: 'der', type: 'spki' }), where);
    } catch {
      throw certError;
    }
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
    else if (input instanceof X509Certificate) out.push(fromPublicKey(input.publicKey, where, input));
    else if (input instanceof KeyObject) out.push(fromPublicKey(input, where));
    else if (input instanceof Uint8Array) out.push(fromDer(Buffer.from(input.buffer, input.byteOffset, input.byteLength), where));
    else throw new SamlGuardError('CONFIG_INVALID', `${where} must be a PEM/base64 string, DER bytes, a KeyObject or an X509Certificate.`);
  });
  return out;
}

/** Describe a certificate for an operator: subject and SHA-256 fingerprint. */
export function describeCertificate(der: Buffer): { subject?: string; fingerprint?: string; spki?: string } {
  try {
    const cert = new X509Certificate(der);
    return { subject: cert.subject.replace(/\n/g, ', '), fingerprint: cert.fingerprint256, spki: cert.publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
  } catch {
    return {};
  }
}
