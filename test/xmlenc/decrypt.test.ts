// Encrypted assertions, identifiers and attributes: every allowed algorithm combination produced by the
// project's own tooling, and mutations that must each fail with their own code.
import { constants, createPrivateKey, generateKeyPairSync, publicEncrypt, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { encryptElement, encryptXmlText, type ContentName, type EncryptOptions } from '../../fixtures/encrypt.js';
import { signedResponse, testVerifyOptions, TEST_IDP } from '../../fixtures/saml.js';
import { signXml } from '../../fixtures/signer.js';
import { createVerifier, SamlGuardError, type VerifyOptions } from '../../src/index.js';
import { rsaOaepDecrypt } from '../../src/crypto/oaep.js';

const SP = loadKeyPair('rsa3072'); // the SP's encryption key in these tests
const SP_NEXT = loadKeyPair('rsa2048-next');
const IDP = loadKeyPair('rsa2048');

const options = (extra: Partial<VerifyOptions> = {}): VerifyOptions =>
  ({ ...(testVerifyOptions() as VerifyOptions), sp: { decryptionKeys: [SP.privateKeyPem] }, ...extra }) as VerifyOptions;
const verify = (xml: string, extra: Partial<VerifyOptions> = {}) => createVerifier(options(extra)).verify(xml);
const enc = (o: Partial<EncryptOptions> = {}): EncryptOptions => ({ recipient: SP.certificatePem, ...o });
/** Sign the Response over the encrypted form, as IdPs do. */
const signResponse = (xml: string): string => signXml(xml, { id: '_r0b1c2d3e4f5061728394a5b6c7d8e9f', key: IDP.privateKey, certificate: IDP.certificatePem });

async function codeOf(p: Promise<unknown>): Promise<{ code?: string; message?: string }> {
  try {
    await p;
    return {};
  } catch (err) {
    if (!(err instanceof SamlGuardError)) throw err;
    return { code: err.code, message: err.message };
  }
}

describe('every allowed algorithm combination decrypts', () => {
  const contents: ContentName[] = ['aes128-gcm', 'aes192-gcm', 'aes256-gcm', 'aes128-cbc', 'aes192-cbc', 'aes256-cbc'];
  const transports: Array<Partial<EncryptOptions>> = [
    { transport: 'rsa-oaep-mgf1p' },
    { transport: 'rsa-oaep-mgf1p', digest: 'sha256' },
    { transport: 'rsa-oaep', digest: 'sha256', mgf: 'sha256' },
    { transport: 'rsa-oaep', digest: 'sha512', mgf: 'sha1' },
  ];
  for (const content of contents) {
    for (const t of transports) {
      it(`${content} with ${JSON.stringify(t)}`, async () => {
        const xml = encryptElement(signedResponse(), 'Assertion', enc({ content, ...t }));
        expect(xml).toContain('EncryptedAssertion');
        expect(xml).not.toContain('alice@example.com');
        const r = await verify(xml);
        expect(r.subject.nameId).toBe('alice@example.com');
        expect(r.signature.covered).toBe('assertion');
      });
    }
  }

  it.each(['keyinfo', 'retrieval', 'sibling'] as const)('EncryptedKey placement: %s', async (keyPlacement) => {
    await expect(verify(encryptElement(signedResponse(), 'Assertion', enc({ keyPlacement })))).resolves.toBeDefined();
  });

  it('several recipients: the EncryptedKey for us is found among others', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    await expect(verify(encryptElement(signedResponse(), 'Assertion', enc({ extraRecipients: [other] })))).resolves.toBeDefined();
  });

  it('key rotation: any configured SP key decrypts', async () => {
    const xml = encryptElement(signedResponse(), 'Assertion', enc({ recipient: SP_NEXT.certificatePem }));
    await expect(verify(xml, { sp: { decryptionKeys: [SP.privateKeyPem, SP_NEXT.privateKeyPem] } })).resolves.toBeDefined();
  });
});

describe('order and trust', () => {
  it('a Response signature over the encrypted form covers an unsigned decrypted assertion', async () => {
    const xml = signResponse(encryptElement(signedResponse({}, { sign: 'none' }), 'Assertion', enc()));
    expect((await verify(xml)).signature.covered).toBe('response');
  });

  it('both signed: the Response over the ciphertext, the Assertion inside it', async () => {
    const xml = signResponse(encryptElement(signedResponse(), 'Assertion', enc()));
    expect((await verify(xml)).signature.covered).toBe('both');
  });

  it('an unsigned decrypted Assertion inside an unsigned Response → SIGNATURE_MISSING', async () => {
    expect((await codeOf(verify(encryptElement(signedResponse({}, { sign: 'none' }), 'Assertion', enc())))).code).toBe('SIGNATURE_MISSING');
  });

  it('requireSignedAssertion applies to the decrypted Assertion', async () => {
    const xml = signResponse(encryptElement(signedResponse({}, { sign: 'none' }), 'Assertion', enc()));
    expect((await codeOf(verify(xml, { requireSignedAssertion: true }))).code).toBe('SIGNATURE_MISSING');
  });

  it('a decrypted Assertion changed before encryption (signature broken) → DIGEST_MISMATCH', async () => {
    const tampered = signedResponse().replace('>alice@example.com<', '>mallory@example.com<');
    expect((await codeOf(verify(encryptElement(tampered, 'Assertion', enc())))).code).toBe('DIGEST_MISMATCH');
  });

  it('swapping the EncryptedAssertion of a signed Response breaks its signature → DIGEST_MISMATCH', async () => {
    const signed = signResponse(encryptElement(signedResponse({}, { sign: 'none' }), 'Assertion', enc()));
    const other = encryptElement(signedResponse({ nameId: 'mallory@example.com' }, { sign: 'none' }), 'Assertion', enc());
    const swap = (xml: string) => /<saml:EncryptedAssertion[\s\S]*<\/saml:EncryptedAssertion>/.exec(xml)![0];
    expect((await codeOf(verify(signed.replace(swap(signed), swap(other)))))).toMatchObject({ code: 'DIGEST_MISMATCH' });
  });

  it('the decrypted assertion is checked by every rule (audience)', async () => {
    expect((await codeOf(verify(encryptElement(signedResponse({ audience: 'https://other.example' }), 'Assertion', enc()))))).toMatchObject({ code: 'AUDIENCE_MISMATCH' });
  });

  it('namespace declarations in scope at the EncryptedAssertion are carried into the fragment', async () => {
    // An assertion serialized without its own xmlns:saml, relying on the Response's declaration.
    const signed = signedResponse({}, { sign: 'none' });
    const assertion = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(signed)![0];
    const bare = assertion.replace(' xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"', '');
    expect(bare).not.toContain('xmlns:saml=');
    const xml = signResponse(signed.replace(assertion, `<saml:EncryptedAssertion>${encryptXmlText(bare, enc())}</saml:EncryptedAssertion>`));
    expect((await verify(xml)).subject.nameId).toBe('alice@example.com');
  });
});

describe('mutations, each with its code', () => {
  const good = () => encryptElement(signedResponse(), 'Assertion', enc());
  const cipherValues = (xml: string) => [...xml.matchAll(/<xenc:CipherValue>([^<]+)<\/xenc:CipherValue>/g)].map((m) => m[1]!);

  it('no sp.decryptionKeys → DECRYPTION_KEY_MISSING', async () => {
    expect((await codeOf(createVerifier(testVerifyOptions() as VerifyOptions).verify(good()))).code).toBe('DECRYPTION_KEY_MISSING');
  });

  it('a flipped ciphertext byte (GCM) → DECRYPTION_FAILED', async () => {
    const xml = good();
    const data = cipherValues(xml).at(-1)!;
    const bytes = Buffer.from(data, 'base64');
    bytes[40]! ^= 1;
    expect((await codeOf(verify(xml.replace(data, bytes.toString('base64')))))).toMatchObject({ code: 'DECRYPTION_FAILED' });
  });

  it('a truncated GCM tag → DECRYPTION_FAILED', async () => {
    const xml = good();
    const data = cipherValues(xml).at(-1)!;
    const bytes = Buffer.from(data, 'base64');
    expect((await codeOf(verify(xml.replace(data, bytes.subarray(0, bytes.length - 4).toString('base64')))))).toMatchObject({ code: 'DECRYPTION_FAILED' });
  });

  it('a flipped byte in the wrapped key → DECRYPTION_FAILED', async () => {
    const xml = good();
    const key = cipherValues(xml)[0]!;
    const bytes = Buffer.from(key, 'base64');
    bytes[10]! ^= 0x80;
    expect((await codeOf(verify(xml.replace(key, bytes.toString('base64')))))).toMatchObject({ code: 'DECRYPTION_FAILED' });
  });

  it('encrypted to another key → DECRYPTION_FAILED', async () => {
    const xml = encryptElement(signedResponse(), 'Assertion', enc({ recipient: SP_NEXT.certificatePem }));
    expect((await codeOf(verify(xml))).code).toBe('DECRYPTION_FAILED');
  });

  it('CBC: every flipped byte is rejected, and DECRYPTION_FAILED never says which check failed', async () => {
    const xml = encryptElement(signedResponse(), 'Assertion', enc({ content: 'aes128-cbc' }));
    const data = cipherValues(xml).at(-1)!;
    const bytes = Buffer.from(data, 'base64');
    const messages = new Set<string>();
    for (const offset of [0, 5, 16, 100, bytes.length - 17, bytes.length - 1, bytes.length - 2]) {
      const copy = Buffer.from(bytes);
      copy[offset]! ^= 0x01;
      const r = await codeOf(verify(xml.replace(data, copy.toString('base64'))));
      expect(r.code, `offset ${offset}`).toBeDefined();
      if (r.code === 'DECRYPTION_FAILED') messages.add(r.message!);
    }
    expect(messages.size).toBe(1); // padding, UTF-8 and parse failures look the same
  });

  it('rsa-1_5 key transport → ALGORITHM_NOT_ALLOWED, with the reason', async () => {
    const r = await codeOf(verify(encryptElement(signedResponse(), 'Assertion', enc({ transport: 'rsa-1_5' }))));
    expect(r.code).toBe('ALGORITHM_NOT_ALLOWED');
    expect(r.message).toMatch(/Bleichenbacher/);
  });

  it('AES-CBC with sp.allowCbc: false → ALGORITHM_NOT_ALLOWED; GCM still fine', async () => {
    const cbc = encryptElement(signedResponse(), 'Assertion', enc({ content: 'aes256-cbc' }));
    expect((await codeOf(verify(cbc, { sp: { decryptionKeys: [SP.privateKeyPem], allowCbc: false } }))).code).toBe('ALGORITHM_NOT_ALLOWED');
    await expect(verify(good(), { sp: { decryptionKeys: [SP.privateKeyPem], allowCbc: false } })).resolves.toBeDefined();
  });

  it('an unknown content algorithm (3DES) → ALGORITHM_NOT_ALLOWED', async () => {
    const xml = good().replace('http://www.w3.org/2009/xmlenc11#aes256-gcm', 'http://www.w3.org/2001/04/xmlenc#tripledes-cbc');
    expect((await codeOf(verify(xml))).code).toBe('ALGORITHM_NOT_ALLOWED');
  });

  it('a second EncryptedAssertion → ASSERTION_COUNT', async () => {
    const xml = good();
    const ea = /<saml:EncryptedAssertion[\s\S]*<\/saml:EncryptedAssertion>/.exec(xml)![0];
    expect((await codeOf(verify(xml.replace(ea, ea + ea)))).code).toBe('ASSERTION_COUNT');
  });

  it('an EncryptedAssertion next to a plain Assertion → ASSERTION_COUNT', async () => {
    const plain = signedResponse();
    const assertion = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(plain)![0];
    const xml = encryptElement(plain, 'Assertion', enc());
    const ea = /<saml:EncryptedAssertion[\s\S]*<\/saml:EncryptedAssertion>/.exec(xml)![0];
    expect((await codeOf(verify(xml.replace(ea, ea + assertion)))).code).toBe('ASSERTION_COUNT');
  });

  it('a CipherReference (something to fetch) → DECRYPTION_FAILED', async () => {
    const xml = good();
    const data = cipherValues(xml).at(-1)!;
    const withRef = xml.replace(`<xenc:CipherValue>${data}</xenc:CipherValue>`, '<xenc:CipherReference URI="http://attacker.example/c"/>');
    expect((await codeOf(verify(withRef))).code).toBe('DECRYPTION_FAILED');
  });

  it('a RetrievalMethod pointing outside the EncryptedAssertion → DECRYPTION_FAILED', async () => {
    const xml = encryptElement(signedResponse(), 'Assertion', enc({ keyPlacement: 'retrieval' })).replace('URI="#_ek1"', 'URI="http://attacker.example/key"');
    expect((await codeOf(verify(xml))).code).toBe('DECRYPTION_FAILED');
  });

  it('plaintext that is not exactly one Assertion (a NameID, two Assertions, junk) → DECRYPTION_FAILED', async () => {
    const signed = signedResponse();
    const assertion = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(signed)![0];
    for (const plaintext of ['<saml:NameID xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">x</saml:NameID>', assertion + assertion, 'not xml at all', `${assertion}<!DOCTYPE x>`]) {
      const xml = signed.replace(assertion, `<saml:EncryptedAssertion>${encryptXmlText(plaintext, enc())}</saml:EncryptedAssertion>`);
      expect((await codeOf(verify(xml))).code, plaintext.slice(0, 30)).toBe('DECRYPTION_FAILED');
    }
  });
});

describe('EncryptedID and EncryptedAttribute', () => {
  it('an EncryptedID is decrypted into the NameID (inside a signed assertion)', async () => {
    // Encrypt the NameID first, then sign the assertion: the signature covers the ciphertext.
    const unsigned = signedResponse({ nameId: 'secret@example.com' }, { sign: 'none' });
    const xml = signXml(encryptElement(unsigned, 'NameID', enc()), { id: '_a0b1c2d3e4f5061728394a5b6c7d8e9f', key: IDP.privateKey, certificate: IDP.certificatePem });
    expect(xml).not.toContain('secret@example.com');
    const r = await verify(xml);
    expect(r.subject).toMatchObject({ nameId: 'secret@example.com', format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' });
  });

  it('an EncryptedAttribute is decrypted into its Attribute', async () => {
    const unsigned = signedResponse({ attributes: { email: ['hidden@example.com'] } }, { sign: 'none' });
    const xml = signXml(encryptElement(unsigned, 'Attribute', enc()), { id: '_a0b1c2d3e4f5061728394a5b6c7d8e9f', key: IDP.privateKey, certificate: IDP.certificatePem });
    expect(xml).not.toContain('hidden@example.com');
    expect((await verify(xml)).attributes['email']).toEqual(['hidden@example.com']);
  });

  it('an EncryptedID whose plaintext is an Attribute → DECRYPTION_FAILED', async () => {
    const unsigned = signedResponse({}, { sign: 'none' });
    const nameId = /<saml:NameID[\s\S]*?<\/saml:NameID>/.exec(unsigned)![0];
    const attribute = '<saml:Attribute xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" Name="x"/>';
    const xml = signXml(unsigned.replace(nameId, `<saml:EncryptedID>${encryptXmlText(attribute, enc())}</saml:EncryptedID>`), { id: '_a0b1c2d3e4f5061728394a5b6c7d8e9f', key: IDP.privateKey, certificate: IDP.certificatePem });
    expect((await codeOf(verify(xml))).code).toBe('DECRYPTION_FAILED');
  });
});

describe('SP decryption keys', () => {
  const pkcs1 = SP.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  const encrypted = SP.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'correct horse' }) as string;

  it('accepts PKCS#8, PKCS#1, passphrase-protected PEM and KeyObjects', async () => {
    const xml = encryptElement(signedResponse(), 'Assertion', enc());
    for (const key of [SP.privateKeyPem, pkcs1, { key: encrypted, passphrase: 'correct horse' }, createPrivateKey(SP.privateKeyPem)]) {
      await expect(verify(xml, { sp: { decryptionKeys: [key] } })).resolves.toBeDefined();
    }
  });

  it('refuses bad keys at creation: CONFIG_INVALID', () => {
    const bad: unknown[] = [[], ['garbage'], [{ key: encrypted, passphrase: 'wrong' }], [encrypted], [SP.certificatePem], [loadKeyPair('ec-p256').privateKeyPem], [randomBytes(16)]];
    for (const decryptionKeys of bad) {
      expect(() => createVerifier(options({ sp: { decryptionKeys: decryptionKeys as string[] } })), JSON.stringify(decryptionKeys).slice(0, 40)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    }
    expect(() => createVerifier(options({ sp: { decryptionKeys: [SP.privateKeyPem], allowCbc: 'no' as unknown as boolean } }))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('RSA-OAEP decoding agrees with OpenSSL', () => {
  it.each(['sha1', 'sha256', 'sha512'] as const)('node:crypto OAEP (%s, MGF1 with the same hash) decodes', (hash) => {
    const message = randomBytes(32);
    const cipher = publicEncrypt({ key: SP.certificate.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, message);
    expect(rsaOaepDecrypt(SP.privateKey, cipher, hash, hash)).toEqual(message);
    expect(rsaOaepDecrypt(SP.privateKey, cipher, hash, hash === 'sha1' ? 'sha256' : 'sha1')).toBeUndefined();
    const label = Buffer.from('label');
    const labelled = publicEncrypt({ key: SP.certificate.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash, oaepLabel: label }, message);
    expect(rsaOaepDecrypt(SP.privateKey, labelled, hash, hash, label)).toEqual(message);
    expect(rsaOaepDecrypt(SP.privateKey, labelled, hash, hash)).toBeUndefined();
  });

  it('rejects garbage and wrong lengths without throwing', () => {
    expect(rsaOaepDecrypt(SP.privateKey, randomBytes(384), 'sha1', 'sha1')).toBeUndefined();
    expect(rsaOaepDecrypt(SP.privateKey, randomBytes(100), 'sha1', 'sha1')).toBeUndefined();
  });
});

it('the IdP entity used in these tests is the fixture IdP', () => {
  expect(testVerifyOptions().idp).toMatchObject({ entityId: TEST_IDP });
});
