// importTrustedKeys and toTrustedKeys form by form: every accepted PEM label and DER form, what an
// imported key carries, the refusal (with its message and the option it names) of every other form, and
// importSigningKey's curve rule.
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { SamlGuardError } from '../../src/errors.js';
import { importTrustedKeys, isTrustedKey, toTrustedKeys, type KeyInput } from '../../src/keys/index.js';
import { importSigningKey } from '../../src/keys/signing.js';

const RSA = loadKeyPair('rsa2048');
const certDer = new X509Certificate(RSA.certificatePem).raw;
const body = (pem: string) => pem.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
const relabel = (pem: string, label: string) => pem.replace(/-----BEGIN [A-Z0-9 ]+-----/, `-----BEGIN ${label}-----`).replace(/-----END [A-Z0-9 ]+-----/, `-----END ${label}-----`);
const spkiPem = RSA.certificate.publicKey.export({ type: 'spki', format: 'pem' }) as string;
const spkiDer = RSA.certificate.publicKey.export({ type: 'spki', format: 'der' });
const pkcs1Pem = RSA.certificate.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string;

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (err) {
    if (!(err instanceof SamlGuardError)) throw err;
    return { code: err.code, message: err.message };
  }
  throw new Error('expected a refusal');
}

describe('accepted forms, each yielding the same key', () => {
  const spki = importTrustedKeys([RSA.certificatePem])[0]!.spki;
  it.each<[string, KeyInput]>([
    ['PEM CERTIFICATE', RSA.certificatePem],
    ['PEM X509 CERTIFICATE', relabel(RSA.certificatePem, 'X509 CERTIFICATE')],
    ['PEM TRUSTED CERTIFICATE', relabel(RSA.certificatePem, 'TRUSTED CERTIFICATE')],
    ['PEM PUBLIC KEY', spkiPem],
    ['PEM RSA PUBLIC KEY (PKCS#1)', pkcs1Pem],
    ['base64 DER certificate', body(RSA.certificatePem)],
    ['base64 DER SubjectPublicKeyInfo', spkiDer.toString('base64')],
    ['DER certificate bytes', new Uint8Array(certDer)],
    ['DER SubjectPublicKeyInfo bytes', new Uint8Array(spkiDer)],
  ])('%s', (_name, input) => {
    const keys = importTrustedKeys([input]);
    expect(keys).toHaveLength(1);
    expect(keys[0]!.spki).toBe(spki);
    expect(keys[0]!.family).toBe('rsa');
    expect(isTrustedKey(keys[0])).toBe(true);
  });

  it('a key from a certificate carries its certificate, fingerprints and subject; a bare public key only its SPKI fingerprint', () => {
    const [fromCert] = importTrustedKeys([RSA.certificatePem]);
    expect(fromCert!.spkiFingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(fromCert!.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(fromCert!.subject).toBeTruthy();
    expect(fromCert!.der).toBeDefined();
    const [fromSpki] = importTrustedKeys([spkiPem]);
    expect(fromSpki!.spkiFingerprint).toBe(fromCert!.spkiFingerprint);
    for (const k of ['fingerprint', 'subject', 'der', 'certificate'] as const) expect(fromSpki![k], k).toBeUndefined();
  });
});

describe('refused forms, each with what to fix and the option it names', () => {
  it.each<[string, KeyInput, string]>([
    ['a PEM private key', RSA.privateKeyPem, 'is a private key'],
    ['a PEM EC private key label', relabel(RSA.privateKeyPem, 'EC PRIVATE KEY'), 'is a private key'],
    ['an unsupported PEM block', relabel(RSA.certificatePem, 'CERTIFICATE REQUEST'), 'unsupported PEM block "CERTIFICATE REQUEST"'],
    ['a PEM block that is not base64', '-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----', 'is not valid base64'],
    ['an unterminated PEM block', '-----BEGIN CERTIFICATE-----\nMIIB', 'no complete PEM block'],
    ['text that is neither PEM nor base64', 'not a key', 'neither PEM nor base64 DER'],
    ['a plain object', {} as KeyInput, 'must be a PEM/base64 string'],
    ['a number', 42 as unknown as KeyInput, 'must be a PEM/base64 string'],
  ])('%s', (_name, input, message) => {
    const r = refusal(() => importTrustedKeys([input]));
    expect(r.code).toBe('CONFIG_INVALID');
    expect(r.message).toContain(message);
    expect(r.message).toContain('idp.certificates[0]');
  });

  it('keys that are neither RSA nor a supported EC curve', () => {
    const dsa = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(refusal(() => importTrustedKeys([dsa]))).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('must be RSA or EC') });
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(refusal(() => importTrustedKeys([k1]))).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('supported curves are P-256') });
  });

  it('the label names the option', () => {
    expect(refusal(() => importTrustedKeys(['x', 'y'], 'idp.metadataSigningCertificates')).message).toContain('idp.metadataSigningCertificates[0]');
  });
});

describe('toTrustedKeys and isTrustedKey', () => {
  it('only keys imported here count as trusted; look-alikes and other values do not', () => {
    const [k] = importTrustedKeys([RSA.certificatePem]);
    expect(isTrustedKey(k)).toBe(true);
    for (const v of [null, undefined, 'x', 42, { ...k }, RSA.certificate.publicKey]) expect(isTrustedKey(v)).toBe(false);
  });

  it('passes imported keys through and imports the rest, in order', () => {
    const [k] = importTrustedKeys([RSA.certificatePem]);
    expect(toTrustedKeys([k!])).toEqual([k]);
    const mixed = toTrustedKeys([k!, loadKeyPair('rsa3072').certificatePem]);
    expect(mixed).toHaveLength(2);
    expect(mixed[0]).toBe(k);
    expect(mixed.every(isTrustedKey)).toBe(true);
    expect(mixed[1]!.bits).toBe(3072);
    expect(refusal(() => toTrustedKeys([k!, 'garbage'])).message).toContain('trustedKeys[1]');
  });
});

describe('importSigningKey', () => {
  it('EC keys must be P-256', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey;
    expect(refusal(() => importSigningKey({ privateKey: p384 }, 'sp.signing'))).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('secp384r1') });
    const ed = generateKeyPairSync('ed25519').privateKey;
    expect(refusal(() => importSigningKey({ privateKey: ed }, 'sp.signing')).code).toBe('CONFIG_INVALID');
    expect(importSigningKey({ privateKey: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey }, 'sp.signing').family).toBe('ec');
  });
});
