// Token keys under node:crypto: each algorithm takes only its own key type and size, and the issuer's
// private keys come as PEM, a private KeyObject or a private JWK.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkKeyForAlgorithm, checkPublicJwk, importPrivate, isTokenAlgorithm } from '../../src/token/keys.js';
import { codeOf } from '../helpers/outcome.js';

const EC = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const P384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const ED = generateKeyPairSync('ed25519');
const RSA = generateKeyPairSync('rsa', { modulusLength: 2048 });
const RSA1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });

describe('checkKeyForAlgorithm (node:crypto)', () => {
  it('ES256 needs P-256, EdDSA Ed25519, RS256 RSA of at least 2048 bits', () => {
    expect(codeOf(() => checkKeyForAlgorithm(EC.publicKey, 'ES256', 'k'))).toBe('accepted');
    expect(codeOf(() => checkKeyForAlgorithm(ED.publicKey, 'EdDSA', 'k'))).toBe('accepted');
    expect(codeOf(() => checkKeyForAlgorithm(RSA.publicKey, 'RS256', 'k'))).toBe('accepted');
    for (const [key, alg] of [[P384.publicKey, 'ES256'], [ED.publicKey, 'ES256'], [RSA.publicKey, 'ES256'], [EC.publicKey, 'EdDSA'], [RSA.publicKey, 'EdDSA'], [RSA1024.publicKey, 'RS256'], [EC.publicKey, 'RS256']] as const) {
      expect(codeOf(() => checkKeyForAlgorithm(key, alg, 'k')), `${alg} with ${key.asymmetricKeyType}`).toBe('CONFIG_INVALID');
    }
  });
  it('a public JWK is imported and checked the same way; an unreadable one is CONFIG_INVALID', () => {
    expect(codeOf(() => checkPublicJwk(P384.publicKey.export({ format: 'jwk' }), 'ES256', 'k'))).toBe('CONFIG_INVALID');
    expect(codeOf(() => checkPublicJwk(RSA1024.publicKey.export({ format: 'jwk' }), 'RS256', 'k'))).toBe('CONFIG_INVALID');
    expect(codeOf(() => checkPublicJwk(EC.publicKey.export({ format: 'jwk' }), 'ES256', 'k'))).toBe('accepted');
    expect(codeOf(() => checkPublicJwk({ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }, 'ES256', 'k'))).toBe('CONFIG_INVALID');
    // A private JWK in a JWK Set is refused, even though node:crypto would derive its public key.
    expect(codeOf(() => checkPublicJwk(EC.privateKey.export({ format: 'jwk' }), 'ES256', 'k'))).toBe('CONFIG_INVALID');
    expect(codeOf(() => checkPublicJwk(ED.privateKey.export({ format: 'jwk' }), 'EdDSA', 'k'))).toBe('CONFIG_INVALID');
  });
  it('isTokenAlgorithm names exactly ES256, EdDSA and RS256', () => {
    expect(['ES256', 'EdDSA', 'RS256'].every(isTokenAlgorithm)).toBe(true);
    for (const a of ['HS256', 'none', 'RS512', '', 7, undefined]) expect(isTokenAlgorithm(a), String(a)).toBe(false);
  });
});

describe('importPrivate (node:crypto)', () => {
  it('takes PEM, a private KeyObject or a private JWK; nothing else', () => {
    expect(importPrivate(EC.privateKey.export({ format: 'pem', type: 'pkcs8' }), 'k').asymmetricKeyType).toBe('ec');
    expect(importPrivate(EC.privateKey, 'k')).toBe(EC.privateKey);
    expect(importPrivate(ED.privateKey.export({ format: 'jwk' }), 'k').asymmetricKeyType).toBe('ed25519');
    for (const bad of [EC.publicKey, EC.publicKey.export({ format: 'jwk' }), null, 7, {}, 'not a key', { kty: 'EC', crv: 'P-256' }, { asymmetricKeyType: 'ec', type: 'private' }]) {
      expect(codeOf(() => importPrivate(bad, 'k')), String(bad)).toBe('CONFIG_INVALID');
    }
  });
});
