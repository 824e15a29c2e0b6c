// Token keys: what the issuer accepts as a private key, and the configuration-time check of public JWKs
// on WebCrypto runtimes (where the key cannot be imported synchronously, so its members are checked).
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { codeOf as code } from '../helpers/outcome.js';

vi.mock('../../src/crypto/index.js', async (original) => ({ ...(await original<typeof import('../../src/crypto/index.js')>()), BACKEND: 'web' }));

const { checkPublicJwk, importPrivate } = await import('../../src/token/keys.js');

const EC = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ED = generateKeyPairSync('ed25519');
const RSA = generateKeyPairSync('rsa', { modulusLength: 2048 });
const RSA1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
const pub = (k: { publicKey: { export(o: { format: 'jwk' }): object } }) => k.publicKey.export({ format: 'jwk' }) as Record<string, string>;

describe('checkPublicJwk on WebCrypto runtimes (checked by shape)', () => {
  it('accepts each algorithm with its own key', () => {
    expect(code(() => checkPublicJwk(pub(EC) as never, 'ES256', 'k'))).toBe('accepted');
    expect(code(() => checkPublicJwk(pub(ED) as never, 'EdDSA', 'k'))).toBe('accepted');
    expect(code(() => checkPublicJwk(pub(RSA) as never, 'RS256', 'k'))).toBe('accepted');
  });
  it('refuses a key of another type, curve or size, and any coordinate of the wrong length or alphabet', () => {
    const ec = pub(EC);
    const ed = pub(ED);
    const rsa = pub(RSA);
    const bad: Array<[Record<string, unknown>, 'ES256' | 'EdDSA' | 'RS256']> = [
      [ed, 'ES256'],
      [rsa, 'ES256'],
      [{ ...ec, kty: 'OKP' }, 'ES256'],
      [{ ...ec, crv: 'P-384' }, 'ES256'],
      [{ ...ec, x: ec.x!.slice(0, -2) }, 'ES256'],
      [{ ...ec, y: ec.y!.slice(0, -2) }, 'ES256'],
      [{ ...ec, x: `${ec.x!.slice(0, -1)}+` }, 'ES256'],
      [{ ...ec, x: `=${ec.x}` }, 'ES256'],
      [{ ...ec, x: 7 }, 'ES256'],
      [ec, 'EdDSA'],
      [{ ...ed, kty: 'EC' }, 'EdDSA'],
      [{ ...ed, crv: 'X25519' }, 'EdDSA'],
      [{ ...ed, x: `${ed.x}AA` }, 'EdDSA'],
      [ec, 'RS256'],
      [pub(RSA1024), 'RS256'],
      [{ ...rsa, e: '' }, 'RS256'],
      [{ ...rsa, kty: 'EC' }, 'RS256'],
      [{ ...ec, d: 'x' }, 'ES256'],
    ];
    for (const [jwk, alg] of bad) expect(code(() => checkPublicJwk(jwk as never, alg, 'k')), `${alg} ${JSON.stringify(jwk).slice(0, 60)}`).toBe('CONFIG_INVALID');
  });
});

describe('importPrivate', () => {
  it('takes PEM, a private KeyObject or a private JWK; nothing else', () => {
    expect(importPrivate(EC.privateKey.export({ format: 'pem', type: 'pkcs8' }), 'k').asymmetricKeyType).toBe('ec');
    expect(importPrivate(EC.privateKey, 'k')).toBe(EC.privateKey);
    expect(importPrivate(ED.privateKey.export({ format: 'jwk' }), 'k').asymmetricKeyType).toBe('ed25519');
    for (const bad of [EC.publicKey, pub(EC), null, 7, {}, 'not a key', { kty: 'EC', crv: 'P-256' }]) {
      expect(code(() => importPrivate(bad, 'k')), String(bad)).toBe('CONFIG_INVALID');
    }
  });
});
