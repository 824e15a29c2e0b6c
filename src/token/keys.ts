// Token keys: the three JWS algorithms samlguard issues and accepts, and their import (once, at creation).
// HMAC is never an option: a verifier holding only public keys must never be tricked into using one as a
// shared secret (the `alg` confusion).
import { createPrivateKey, createPublicKey, KeyObject, type JsonWebKey } from 'node:crypto';
import { SamlGuardError } from '../errors.js';
import { BACKEND } from '../crypto/index.js';
import { base64Decode } from '../bytes/index.js';

export const TOKEN_ALGORITHMS = ['ES256', 'EdDSA', 'RS256'] as const;
export type TokenAlgorithm = (typeof TOKEN_ALGORITHMS)[number];

export function isTokenAlgorithm(alg: unknown): alg is TokenAlgorithm {
  return typeof alg === 'string' && (TOKEN_ALGORITHMS as readonly string[]).includes(alg);
}

/** The key type each algorithm needs; anything else is a configuration error. */
export function checkKeyForAlgorithm(key: KeyObject, alg: TokenAlgorithm, where: string): void {
  const t = key.asymmetricKeyType;
  const d = key.asymmetricKeyDetails;
  const ok =
    alg === 'ES256' ? t === 'ec' && d?.namedCurve === 'prime256v1' : alg === 'EdDSA' ? t === 'ed25519' : t === 'rsa' && (d?.modulusLength ?? 0) >= 2048;
  if (!ok) {
    const need = alg === 'ES256' ? 'an EC P-256 key' : alg === 'EdDSA' ? 'an Ed25519 key' : 'an RSA key of at least 2048 bits';
    throw new SamlGuardError('CONFIG_INVALID', `${where}: ${alg} needs ${need}; this key is ${t ?? 'unknown'}${d?.namedCurve ? ` ${d.namedCurve}` : d?.modulusLength ? ` ${d.modulusLength} bits` : ''}.`);
  }
}

/** A private key from PEM (PKCS#8 or PKCS#1/SEC1), a private JWK, or a KeyObject. */
export function importPrivate(input: unknown, where: string): KeyObject {
  try {
    if (typeof input === 'string') return createPrivateKey(input);
    // A real KeyObject, not any object shaped like one (a look-alike would only fail later, when signing).
    if (input instanceof KeyObject && input.type === 'private') return input;
    if (input !== null && typeof input === 'object' && typeof (input as JsonWebKey).kty === 'string') return createPrivateKey({ key: input as JsonWebKey, format: 'jwk' });
  } catch (cause) {
    throw new SamlGuardError('CONFIG_INVALID', `${where}: not a readable private key (PEM or private JWK).`, { cause });
  }
  throw new SamlGuardError('CONFIG_INVALID', `${where}: must be a private key as PEM, a private JWK or a KeyObject.`);
}

/** A JWK Set is public: a key with private or symmetric members is a configuration error, never used. */
function refusePrivateMembers(jwk: JsonWebKey, where: string): void {
  if ('d' in jwk || 'p' in jwk || 'k' in jwk) throw new SamlGuardError('CONFIG_INVALID', `${where}: a JWK Set must hold public keys only (this one has private or symmetric members).`);
}

/** A public key from a public JWK (private members are refused: a JWK Set is public). */
export function importPublicJwk(jwk: JsonWebKey, where: string): KeyObject {
  refusePrivateMembers(jwk, where);
  try {
    return createPublicKey({ key: jwk, format: 'jwk' });
  } catch (cause) {
    throw new SamlGuardError('CONFIG_INVALID', `${where}: not a readable public JWK.`, { cause });
  }
}

function base64UrlLength(value: unknown): number {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]+$/.test(value)) return -1;
  const b64 = value.replace(/-/g, '+').replace(/_/g, '/');
  return base64Decode(b64 + '='.repeat((4 - (b64.length % 4)) % 4))?.length ?? -1;
}

/**
 * Refuse, at configuration time, a public JWK unfit for its algorithm. Under node:crypto the key is
 * imported and inspected; WebCrypto imports only asynchronously (jose does it on first use), so there
 * its members are checked by shape: the curve and coordinate sizes, or the RSA modulus size.
 */
export function checkPublicJwk(jwk: JsonWebKey, alg: TokenAlgorithm, where: string): void {
  if (BACKEND === 'node') return checkKeyForAlgorithm(importPublicJwk(jwk, where), alg, where);
  refusePrivateMembers(jwk, where);
  const ok =
    alg === 'ES256'
      ? jwk.kty === 'EC' && jwk.crv === 'P-256' && base64UrlLength(jwk.x) === 32 && base64UrlLength(jwk.y) === 32
      : alg === 'EdDSA'
        ? jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && base64UrlLength(jwk.x) === 32
        : jwk.kty === 'RSA' && base64UrlLength(jwk.n) >= 256 && base64UrlLength(jwk.e) > 0;
  if (!ok) {
    const need = alg === 'ES256' ? 'an EC P-256 key' : alg === 'EdDSA' ? 'an Ed25519 key' : 'an RSA key of at least 2048 bits';
    throw new SamlGuardError('CONFIG_INVALID', `${where}: ${alg} needs ${need}; this JWK is kty ${String(jwk.kty)}${jwk.crv ? ` ${jwk.crv}` : ''}.`);
  }
}
