// The whole verifier on the WebCrypto backend (swapped in for node:crypto, as the web build does):
// the same verdicts, codes and results as on Node, and a clear RUNTIME_UNSUPPORTED where WebCrypto
// cannot follow (synchronous APIs, RSA-OAEP with a different MGF1 hash).
import { X509Certificate } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { loadKeyPair, type FixtureName } from '../../fixtures/index.js';
import { encryptElement, type EncryptOptions } from '../../fixtures/encrypt.js';
import { signedResponse, testVerifyOptions } from '../../fixtures/saml.js';
import type { SignatureAlgorithmName } from '../../fixtures/signer.js';

vi.mock('../../src/crypto/backend.js', async () => await import('../../src/crypto/backend-web.js'));

const { BACKEND } = await import('../../src/crypto/index.js');
const { createVerifier, importTrustedKeys, SamlGuardError } = await import('../../src/index.js');
type VerifyOptions = import('../../src/index.js').VerifyOptions;

const SP = loadKeyPair('rsa3072');

async function outcome(xml: string, extra: Record<string, unknown> = {}): Promise<{ code?: string; nameId?: string; fingerprint?: string }> {
  try {
    const r = await createVerifier(testVerifyOptions(extra) as VerifyOptions).verify(xml);
    return { nameId: r.subject.nameId, fingerprint: r.signature.certificateFingerprint };
  } catch (err) {
    if (!(err instanceof SamlGuardError)) throw err;
    return { code: err.code };
  }
}

const certOf = (name: FixtureName) => ({ idp: { entityId: 'https://idp.samlguard.test/metadata', certificates: [loadKeyPair(name).certificatePem] } });

describe('the verifier on WebCrypto', () => {
  it('runs on the web backend here', () => {
    expect(BACKEND).toBe('web');
  });

  const signers: Array<[FixtureName, SignatureAlgorithmName]> = [
    ['rsa2048', 'rsa-sha256'],
    ['rsa3072', 'rsa-sha512'],
    ['ec-p256', 'ecdsa-sha256'],
    ['ec-p384', 'ecdsa-sha384'],
  ];
  it.each(signers)('%s %s: accepts, and reports the certificate fingerprint', async (keyName, signatureAlgorithm) => {
    const xml = signedResponse({}, { keyName, signatureAlgorithm, sign: 'both' });
    const r = await outcome(xml, certOf(keyName));
    expect(r.code).toBeUndefined();
    expect(r.fingerprint).toBe(new X509Certificate(loadKeyPair(keyName).certificatePem).fingerprint256);
  });

  it('a tampered response is DIGEST_MISMATCH, a forged signature SIGNATURE_INVALID, a foreign key KEY_NOT_TRUSTED', async () => {
    const xml = signedResponse();
    expect((await outcome(xml.replace('alice@example.com', 'admin@example.com'))).code).toBe('DIGEST_MISMATCH');
    expect((await outcome(xml.replace(/<ds:SignatureValue>(.)/, (_m, c: string) => `<ds:SignatureValue>${c === 'A' ? 'B' : 'A'}`))).code).toBe('SIGNATURE_INVALID');
    expect((await outcome(signedResponse({}, { keyName: 'attacker-rsa2048' }))).code).toBe('KEY_NOT_TRUSTED');
  });

  it("KEY_NOT_TRUSTED names the foreign certificate's subject and SHA-256 fingerprint, hashed with WebCrypto", async () => {
    const attacker = loadKeyPair('attacker-rsa2048').certificate;
    const err = await createVerifier(testVerifyOptions() as VerifyOptions).verify(signedResponse({}, { keyName: 'attacker-rsa2048' })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'KEY_NOT_TRUSTED', details: { claimedFingerprint: attacker.fingerprint256, claimedSubject: attacker.subject.replace(/\n/g, ', ') } });
  });

  it('a public key configured bare (no certificate) reports its SPKI fingerprint, computed on first use', async () => {
    const spkiPem = loadKeyPair('rsa2048').certificate.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const keys = importTrustedKeys([spkiPem]);
    expect(keys[0]!.spkiFingerprint).toBeUndefined();
    const r = await outcome(signedResponse(), { idp: { entityId: 'https://idp.samlguard.test/metadata', certificates: [spkiPem] } });
    expect(r.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  const encryptions: Array<Partial<EncryptOptions>> = [
    { content: 'aes256-gcm', transport: 'rsa-oaep-mgf1p' },
    { content: 'aes128-gcm', transport: 'rsa-oaep', digest: 'sha256', mgf: 'sha256' },
    { content: 'aes256-cbc', transport: 'rsa-oaep-mgf1p' },
    { content: 'aes128-cbc', transport: 'rsa-oaep', digest: 'sha512', mgf: 'sha512' },
  ];
  it.each(encryptions)('decrypts an EncryptedAssertion: %o', async (o) => {
    const xml = encryptElement(signedResponse(), 'Assertion', { recipient: SP.certificatePem, ...o });
    const r = await outcome(xml, { sp: { decryptionKeys: [SP.privateKeyPem] } });
    expect(r).toMatchObject({ nameId: 'alice@example.com' });
  });

  it('refuses RSA-OAEP whose MGF1 hash differs from its digest with RUNTIME_UNSUPPORTED (Node decrypts it)', async () => {
    const xml = encryptElement(signedResponse(), 'Assertion', { recipient: SP.certificatePem, transport: 'rsa-oaep-mgf1p', digest: 'sha256' });
    expect((await outcome(xml, { sp: { decryptionKeys: [SP.privateKeyPem] } })).code).toBe('RUNTIME_UNSUPPORTED');
  });

  it('a tampered ciphertext is DECRYPTION_FAILED, as on Node', async () => {
    const xml = encryptElement(signedResponse(), 'Assertion', { recipient: SP.certificatePem });
    const tampered = xml.replace(/(<xenc:CipherValue>[^<]{40})(.)/g, (_m, head: string, c: string) => head + (c === 'A' ? 'B' : 'A'));
    expect((await outcome(tampered, { sp: { decryptionKeys: [SP.privateKeyPem] } })).code).toBe('DECRYPTION_FAILED');
  });

  it('verifySync cannot wait for WebCrypto and says so', () => {
    const v = createVerifier(testVerifyOptions() as VerifyOptions);
    expect(() => v.verifySync(signedResponse())).toThrow(expect.objectContaining({ code: 'RUNTIME_UNSUPPORTED' }));
  });

  it('the result cache works (its key is a WebCrypto digest too)', async () => {
    const v = createVerifier(testVerifyOptions({ cache: { maxEntries: 10 } }) as VerifyOptions);
    const xml = signedResponse();
    const a = await v.verify(xml);
    const b = await v.verify(xml);
    expect(b.subject.nameId).toBe(a.subject.nameId);
  });
});

describe('the token verifier on WebCrypto checks each JWK by shape at configuration', () => {
  it('refuses a key unfit for its alg, a short RSA key and private members; accepts a fitting set', async () => {
    const { createTokenVerifier } = await import('../../src/index.js');
    const { generateKeyPairSync } = await import('node:crypto');
    const jwk = (k: import('node:crypto').KeyObject) => k.export({ format: 'jwk' }) as Record<string, unknown>;
    const p256 = jwk(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
    const p384 = jwk(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey);
    const rsa1024 = jwk(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey);
    const rsa2048 = jwk(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey);
    const ed = jwk(generateKeyPairSync('ed25519').publicKey);
    const privateEc = jwk(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const set = (...keys: Array<Record<string, unknown>>) => ({ keys: keys.map((k, i) => ({ ...k, kid: `k${i}` })) });
    const make = (jwks: unknown) => () => createTokenVerifier({ issuer: 'https://i', audience: 'a', jwks: jwks as never });
    expect(make(set({ ...p256, alg: 'ES256' }, { ...rsa2048, alg: 'RS256' }, { ...ed, alg: 'EdDSA' }))).not.toThrow();
    for (const bad of [{ ...p384, alg: 'ES256' }, { ...rsa1024, alg: 'RS256' }, { ...p256, alg: 'EdDSA' }, { ...ed, alg: 'ES256' }, { ...privateEc, alg: 'ES256' }, { ...p256, x: 'AAAA', alg: 'ES256' }]) {
      expect(make(set(bad)), JSON.stringify({ kty: (bad as Record<string, unknown>).kty, crv: (bad as Record<string, unknown>).crv, alg: bad.alg })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    }
  });
});
