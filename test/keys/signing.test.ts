// importSigningKey: which private keys may sign what samlguard sends, each refusal with CONFIG_INVALID.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { certificateBase64, importSigningKey } from '../../src/keys/signing.js';

const RSA = loadKeyPair('rsa2048-next');
const EC = loadKeyPair('ec-p256');
const invalid = expect.objectContaining({ code: 'CONFIG_INVALID' });

describe('importSigningKey', () => {
  it('takes PEM or a KeyObject; the certificate is optional and, when given, published as base64 DER', () => {
    const fromPem = importSigningKey({ privateKey: RSA.privateKeyPem }, 'k');
    expect(fromPem).toMatchObject({ family: 'rsa', certificateB64: undefined });
    expect(importSigningKey({ privateKey: RSA.privateKey, certificate: null }, 'k').certificateB64).toBeUndefined();
    const ec = importSigningKey({ privateKey: EC.privateKey, certificate: EC.certificatePem }, 'k');
    expect(ec.family).toBe('ec');
    expect(ec.certificateB64).toBe(EC.certificate.raw.toString('base64'));
  });

  it('refuses public keys, unreadable keys, other curves and key types, and a certificate of another key', () => {
    expect(() => importSigningKey({ privateKey: RSA.certificate.publicKey }, 'k')).toThrow(invalid);
    expect(() => importSigningKey({ privateKey: 'not a key' }, 'k')).toThrow(invalid);
    expect(() => importSigningKey({ privateKey: loadKeyPair('ec-p384').privateKeyPem }, 'k')).toThrow(invalid);
    expect(() => importSigningKey({ privateKey: generateKeyPairSync('ed25519').privateKey }, 'k')).toThrow(invalid);
    expect(() => importSigningKey({ privateKey: EC.privateKeyPem, certificate: loadKeyPair('ec-p384').certificatePem }, 'k')).toThrow(invalid);
    expect(() => importSigningKey({ privateKey: RSA.privateKeyPem, certificate: 'bm90IGEgY2VydA==' }, 'k')).toThrow(invalid);
  });

  it('certificateBase64 accepts PEM or bare base64 DER and refuses anything else', () => {
    const der = RSA.certificate.raw.toString('base64');
    expect(certificateBase64(RSA.certificatePem, 'c')).toBe(der);
    expect(certificateBase64(der, 'c')).toBe(der);
    expect(() => certificateBase64('garbage', 'c')).toThrow(invalid);
  });
});
