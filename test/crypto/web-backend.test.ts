// The WebCrypto backend (backend-web.ts, run here on Node's own crypto.subtle) at its edges: key handles
// of the wrong kind or family, keys WebCrypto refuses, the OAEP label, the AES-size probe, and every
// private-key form, with the passphrase-protected ones refused by name.
import { constants, generateKeyPairSync, publicEncrypt, randomBytes, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import * as web from '../../src/crypto/backend-web.js';
import { SamlGuardError } from '../../src/errors.js';

const RSA = loadKeyPair('rsa2048');
const EC = loadKeyPair('ec-p256');
const spki = (pem: string) => new Uint8Array(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' }));

describe('verifySignature', () => {
  it('a handle of another kind or family, or a key WebCrypto cannot import, answers false', async () => {
    const rsa = web.importPublicKey(spki(RSA.certificatePem)).handle;
    const sig = new Uint8Array(256);
    expect(await web.verifySignature('sha256', 'ec', rsa, 'x', sig)).toBe(false);
    expect(await web.verifySignature('sha256', 'rsa', { kind: 'other' } as never, 'x', sig)).toBe(false);
    const broken = Object.freeze({ kind: 'web-public', spki: new Uint8Array([0x30, 0x00]), family: 'rsa' });
    expect(await web.verifySignature('sha256', 'rsa', broken as never, 'x', sig)).toBe(false);
  });
});

describe('importPublicKey', () => {
  it('reads PKCS#1 RSA keys too, and reports an unsupported key as "other" with its description', () => {
    const pkcs1 = new Uint8Array(RSA.certificate.publicKey.export({ type: 'pkcs1', format: 'der' }));
    expect(web.importPublicKey(pkcs1, 'pkcs1')).toMatchObject({ family: 'rsa', bits: 2048 });
    const ed = new Uint8Array(generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }));
    expect(web.importPublicKey(ed)).toMatchObject({ family: 'other', bits: 0, description: 'a key of algorithm 1.3.101.112' });
    expect(web.importPublicKey(spki(EC.certificatePem)).handle).toMatchObject({ family: 'ec', curve: 'P-256' });
  });
});

describe('rsaOaepDecrypt', () => {
  it('honours a label, and an empty label is the default one', async () => {
    const sp = loadKeyPair('rsa3072');
    const key = web.importPrivateKey(sp.privateKeyPem).handle;
    const message = randomBytes(32);
    const label = Buffer.from('label');
    const labelled = publicEncrypt({ key: sp.certificate.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label }, message);
    expect(Buffer.from((await web.rsaOaepDecrypt(key, labelled, 'sha256', 'sha256', label))!)).toEqual(message);
    expect(await web.rsaOaepDecrypt(key, labelled, 'sha256', 'sha256', undefined)).toBeUndefined();
    const plain = publicEncrypt({ key: sp.certificate.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, message);
    expect(Buffer.from((await web.rsaOaepDecrypt(key, plain, 'sha256', 'sha256', new Uint8Array(0)))!)).toEqual(message);
  });
});

describe('aesSupported', () => {
  it('every AES size Node offers is supported', async () => {
    for (const n of [16, 24, 32]) expect(await web.aesSupported(n)).toBe(true);
  });
});

describe('importPrivateKey', () => {
  it('PKCS#8 PEM, PKCS#1 PEM and PKCS#8 DER bytes; a non-RSA key is "unknown" with 0 bits', () => {
    expect(web.importPrivateKey(RSA.privateKeyPem)).toMatchObject({ family: 'rsa', bits: 2048 });
    expect(web.importPrivateKey(`\n${RSA.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string}\n`)).toMatchObject({ family: 'rsa', bits: 2048 });
    expect(web.importPrivateKey(new Uint8Array(RSA.privateKey.export({ type: 'pkcs8', format: 'der' })))).toMatchObject({ family: 'rsa', bits: 2048 });
    expect(web.importPrivateKey(EC.privateKeyPem)).toMatchObject({ family: 'unknown', bits: 0 });
  });

  it('passphrase-protected keys are refused by name (RUNTIME_UNSUPPORTED); anything else is an Error', () => {
    const code = (input: unknown) => {
      try {
        web.importPrivateKey(input);
        return 'accepted';
      } catch (err) {
        return err instanceof SamlGuardError ? err.code : 'Error';
      }
    };
    const encrypted = RSA.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string;
    const legacy = RSA.privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string;
    expect(code(encrypted)).toBe('RUNTIME_UNSUPPORTED');
    expect(code(legacy)).toBe('RUNTIME_UNSUPPORTED');
    expect(code({ key: RSA.privateKeyPem, passphrase: 'pw' })).toBe('RUNTIME_UNSUPPORTED');
    for (const bad of ['not a key', RSA.certificatePem, null, 42, {}]) expect(code(bad)).toBe('Error');
  });
});
