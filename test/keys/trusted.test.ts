// importTrustedKeys: every form of key material a configuration may hold, what it records of each, and
// every refusal with CONFIG_INVALID (never a TypeError, never a key of an unusable kind).
import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { importTrustedKeys } from '../../src/keys/index.js';

const pair = loadKeyPair('rsa2048');
const spkiDer = pair.certificate.publicKey.export({ type: 'spki', format: 'der' });
const colon = (b: Buffer) => b.toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');

describe('importTrustedKeys: forms', () => {
  it('a certificate records the certificate, its SHA-256 fingerprint, subject, DER and the SPKI fingerprint', () => {
    const [k] = importTrustedKeys([pair.certificatePem]);
    expect(k!.certificate).toBeInstanceOf(X509Certificate);
    expect(k!.fingerprint).toBe(pair.certificate.fingerprint256);
    expect(k!.subject).toBe(pair.certificate.subject.replace(/\n/g, ', '));
    expect(Buffer.from(k!.der!)).toEqual(pair.certificate.raw);
    expect(k!.spkiFingerprint).toBe(colon(createHash('sha256').update(spkiDer).digest()));
    expect(k!.family).toBe('rsa');
    expect(k!.bits).toBe(2048);
  });

  it('SPKI PEM, PKCS#1 RSA PUBLIC KEY PEM, SPKI DER bytes and certificate DER bytes all import the same key', () => {
    const spki = importTrustedKeys([pair.certificate.publicKey.export({ type: 'spki', format: 'pem' }) as string])[0]!;
    const pkcs1 = importTrustedKeys([pair.certificate.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string])[0]!;
    const spkiBytes = importTrustedKeys([new Uint8Array(spkiDer)])[0]!;
    const certBytes = importTrustedKeys([new Uint8Array(pair.certificate.raw)])[0]!;
    for (const k of [spki, pkcs1, spkiBytes, certBytes]) {
      expect(k.spki).toBe(spkiDer.toString('base64'));
      expect(k.spkiFingerprint).toBe(colon(createHash('sha256').update(spkiDer).digest()));
    }
    expect(spki.certificate).toBeUndefined();
    expect(spki.fingerprint).toBeUndefined();
    expect(certBytes.fingerprint).toBe(pair.certificate.fingerprint256);
  });
});

describe('importTrustedKeys: refusals are CONFIG_INVALID', () => {
  const refused = (input: unknown, message?: RegExp) =>
    expect(() => importTrustedKeys([input as string])).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', ...(message ? { message: expect.stringMatching(message) } : {}) }));

  it('keys XML-DSig cannot use: Ed25519, and EC curves other than P-256/384/521', () => {
    refused(generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }), /must be RSA or EC/);
    refused(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ type: 'spki', format: 'pem' }), /supported curves are P-256, P-384 and P-521/);
  });

  it('a PUBLIC KEY block that is not a SubjectPublicKeyInfo, and an RSA PUBLIC KEY block that is not PKCS#1', () => {
    refused('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', /SubjectPublicKeyInfo/);
    refused('-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----', /PKCS#1/);
  });

  it('something that is no key material at all, and private or secret KeyObjects', () => {
    refused(42, /must be a PEM\/base64 string/);
    refused({}, /must be a PEM\/base64 string/);
    refused(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, /private key/);
  });
});
