// Our own private keys: the SP's request-signing key (and, in the token room, nothing: jose imports its
// own). Imported once, checked against the certificate that publishes it.
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { SamlGuardError } from '../errors.js';
import type { KeyFamily } from '../crypto/index.js';

export interface SigningKey {
  readonly key: KeyObject;
  readonly family: KeyFamily;
  /** The certificate as base64 DER (for KeyInfo and metadata), when one was given. */
  readonly certificateB64: string | undefined;
}

function invalid(where: string, message: string, cause?: unknown): SamlGuardError {
  return new SamlGuardError('CONFIG_INVALID', `${where}: ${message}`, { cause });
}

/** A PEM (or base64 DER) certificate, parsed; CONFIG_INVALID when it is not a certificate. */
function parseCertificate(pem: string, where: string): X509Certificate {
  try {
    return new X509Certificate(pem.includes('-----BEGIN') ? pem : `-----BEGIN CERTIFICATE-----\n${pem}\n-----END CERTIFICATE-----`);
  } catch (cause) {
    throw invalid(where, 'is not an X.509 certificate (PEM or base64 DER).', cause);
  }
}

/** A PEM (or base64 DER) certificate as base64 DER; CONFIG_INVALID when it is not a certificate. */
export function certificateBase64(pem: string, where: string): string {
  return parseCertificate(pem, where).raw.toString('base64');
}

/**
 * Import a signing key: RSA of at least 2048 bits (RSA-SHA256) or EC P-256 (ECDSA-SHA256). When a
 * certificate is given, it must carry this key's public half (so metadata never advertises the wrong key).
 */
export function importSigningKey(input: { privateKey: string | KeyObject; certificate?: string | null }, where: string): SigningKey {
  let key: KeyObject;
  try {
    key = typeof input.privateKey === 'string' ? createPrivateKey(input.privateKey) : input.privateKey;
  } catch (cause) {
    throw invalid(where, 'privateKey is not a readable private key (PEM PKCS#8 or PKCS#1).', cause);
  }
  if (key.type !== 'private') throw invalid(where, 'privateKey must be a private key.');
  let family: KeyFamily;
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) throw invalid(where, `the RSA key is ${bits} bits; at least 2048 are required.`);
    family = 'rsa';
  } else if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    family = 'ec';
  } else {
    throw invalid(where, `only RSA (2048 bits or more) and EC P-256 keys can sign; this key is ${key.asymmetricKeyType}${key.asymmetricKeyDetails?.namedCurve ? ` ${key.asymmetricKeyDetails.namedCurve}` : ''}.`);
  }
  let certificateB64: string | undefined;
  if (input.certificate !== undefined && input.certificate !== null) {
    const cert = parseCertificate(input.certificate, `${where}.certificate`);
    if (!cert.publicKey.equals(createPublicKey(key))) throw invalid(where, 'the certificate does not carry the public key of privateKey.');
    certificateB64 = cert.raw.toString('base64');
  }
  return Object.freeze({ key, family, certificateB64 });
}
