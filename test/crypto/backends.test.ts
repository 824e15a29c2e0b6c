// The two crypto backends side by side: whatever node:crypto answers, WebCrypto (as Node's own
// crypto.subtle provides it) must answer the same, except where WebCrypto cannot and says so by code.
import { constants, createCipheriv, createHash, publicEncrypt, randomBytes, sign, X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIXTURE_NAMES, loadKeyPair } from '../../fixtures/index.js';
import * as node from '../../src/crypto/backend.js';
import * as web from '../../src/crypto/backend-web.js';
import { readCertificate, readSpki, rsaPrivateKeyToPkcs8, rsaPublicKeyToSpki } from '../../src/crypto/der.js';
import { SamlGuardError } from '../../src/index.js';
import type { HashName } from '../../src/crypto/index.js';

const HASHES: HashName[] = ['sha1', 'sha256', 'sha384', 'sha512'];

describe('digests', () => {
  it('agree on any text and bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: 'binary' }), fc.uint8Array()), fc.constantFrom(...HASHES), async (data, hash) => {
        expect(Buffer.from(await web.digest(hash, data))).toEqual(Buffer.from(node.digest(hash, data)));
      }),
      { numRuns: 200 },
    );
  });

  it('compare in constant time and unequal lengths never match', () => {
    expect(web.digestsEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(web.digestsEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(web.digestsEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false);
  });
});

describe('key import reads what node:crypto reads', () => {
  it.each(FIXTURE_NAMES)('%s: SPKI, family, size and subject', (name) => {
    const pair = loadKeyPair(name);
    const cert = new X509Certificate(pair.certificatePem);
    const read = readCertificate(cert.raw);
    expect(Buffer.from(read.spki)).toEqual(cert.publicKey.export({ type: 'spki', format: 'der' }));
    expect(read.subject).toBe(cert.subject.replace(/\n/g, ', '));
    const n = node.importPublicKey(read.spki);
    const w = web.importPublicKey(read.spki);
    expect({ family: w.family, bits: w.bits }).toEqual({ family: n.family, bits: n.bits });
  });

  it('PKCS#1 RSA public and private keys are rewrapped as SPKI and PKCS#8', () => {
    const pair = loadKeyPair('rsa2048');
    const pub = pair.certificate.publicKey;
    expect(Buffer.from(rsaPublicKeyToSpki(pub.export({ type: 'pkcs1', format: 'der' })))).toEqual(pub.export({ type: 'spki', format: 'der' }));
    expect(Buffer.from(rsaPrivateKeyToPkcs8(pair.privateKey.export({ type: 'pkcs1', format: 'der' })))).toEqual(pair.privateKey.export({ type: 'pkcs8', format: 'der' }));
    expect(web.importPrivateKey(pair.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string).bits).toBe(2048);
    expect(web.importPrivateKey(pair.privateKeyPem).bits).toBe(2048);
  });

  it('malformed DER is an Error, never a hang or a crash of another kind', () => {
    const der = new X509Certificate(loadKeyPair('rsa2048').certificatePem).raw;
    fc.assert(
      fc.property(fc.nat(der.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(64), (at, byte, cut) => {
        const copy = Uint8Array.from(der);
        copy[at] = byte;
        for (const input of [copy, copy.subarray(0, copy.length - cut)]) {
          try {
            readSpki(readCertificate(input).spki);
          } catch (err) {
            expect(err).toBeInstanceOf(Error);
          }
        }
      }),
      { numRuns: 2000 },
    );
    expect(() => readCertificate(new Uint8Array([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]))).toThrow(/not valid DER/);
  });

  it('an unsupported curve or algorithm is named, not guessed', () => {
    const spki = new X509Certificate(loadKeyPair('ec-p256').certificatePem).publicKey.export({ type: 'spki', format: 'der' });
    const other = Uint8Array.from(spki);
    other[other.indexOf(0x07, 20)] = 0x08; // prime256v1 → a neighbouring OID
    expect(web.importPublicKey(other).family).toBe('other');
  });
});

describe('signatures', () => {
  const cases: Array<[string, HashName, 'rsa' | 'ec']> = [
    ['rsa2048', 'sha256', 'rsa'],
    ['rsa3072', 'sha512', 'rsa'],
    ['rsa2048', 'sha1', 'rsa'],
    ['ec-p256', 'sha256', 'ec'],
    ['ec-p384', 'sha384', 'ec'],
    ['ec-p256', 'sha512', 'ec'],
  ];
  it.each(cases)('%s %s: valid verifies, any flipped bit does not, on both', async (name, hash, family) => {
    const pair = loadKeyPair(name as never);
    const spki = pair.certificate.publicKey.export({ type: 'spki', format: 'der' });
    const nKey = node.importPublicKey(spki).handle;
    const wKey = web.importPublicKey(spki).handle;
    const text = '<ds:SignedInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">é</ds:SignedInfo>';
    const sig = family === 'ec' ? sign(hash, Buffer.from(text), { key: pair.privateKey, dsaEncoding: 'ieee-p1363' }) : sign(hash, Buffer.from(text), pair.privateKey);
    expect(node.verifySignature(hash, family, nKey, text, sig)).toBe(true);
    expect(await web.verifySignature(hash, family, wKey, text, sig)).toBe(true);
    for (const at of [0, sig.length >> 1, sig.length - 1]) {
      const bad = Buffer.from(sig);
      bad[at]! ^= 1;
      expect(node.verifySignature(hash, family, nKey, text, bad)).toBe(false);
      expect(await web.verifySignature(hash, family, wKey, text, bad)).toBe(false);
    }
    expect(await web.verifySignature(hash, family, wKey, text + ' ', sig)).toBe(false);
    expect(await web.verifySignature(hash, family, wKey, text, sig.subarray(1))).toBe(false);
    // The family in the signature algorithm must be the key's.
    expect(await web.verifySignature(hash, family === 'ec' ? 'rsa' : 'ec', wKey, text, sig)).toBe(false);
  });
});

describe('decryption', () => {
  const sp = loadKeyPair('rsa3072');
  const nKey = node.importPrivateKey(sp.privateKeyPem).handle;
  const wKey = web.importPrivateKey(sp.privateKeyPem).handle;

  it.each([['sha1'], ['sha256'], ['sha512']] as Array<[HashName]>)('RSA-OAEP %s with the same MGF1 hash agrees', async (hash) => {
    const cek = randomBytes(32);
    const ct = publicEncrypt({ key: sp.certificate.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, cek);
    expect(Buffer.from(node.rsaOaepDecrypt(nKey, ct, hash, hash, undefined)!)).toEqual(cek);
    expect(Buffer.from((await web.rsaOaepDecrypt(wKey, ct, hash, hash, undefined))!)).toEqual(cek);
    const bad = Buffer.from(ct);
    bad[5]! ^= 1;
    expect(await web.rsaOaepDecrypt(wKey, bad, hash, hash, undefined)).toBeUndefined();
  });

  it('RSA-OAEP whose MGF1 hash differs from its digest is RUNTIME_UNSUPPORTED under WebCrypto', async () => {
    const err = await web.rsaOaepDecrypt(wKey, new Uint8Array(384), 'sha256', 'sha1', undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SamlGuardError);
    expect((err as SamlGuardError).code).toBe('RUNTIME_UNSUPPORTED');
  });

  it('AES-GCM and AES-CBC with ISO 10126 padding agree on random plaintexts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 100 }), fc.constantFrom(16, 24, 32), fc.constantFrom('gcm' as const, 'cbc' as const), async (plain, keyBytes, mode) => {
        const cek = randomBytes(keyBytes);
        let data: Buffer;
        if (mode === 'gcm') {
          const iv = randomBytes(12);
          const c = createCipheriv(`aes-${keyBytes * 8}-gcm` as 'aes-256-gcm', cek, iv);
          data = Buffer.concat([iv, c.update(plain), c.final(), c.getAuthTag()]);
        } else {
          const iv = randomBytes(16);
          const padLen = 16 - (plain.length % 16);
          const padded = Buffer.concat([plain, randomBytes(padLen - 1), Buffer.from([padLen])]);
          const c = createCipheriv(`aes-${keyBytes * 8}-cbc`, cek, iv).setAutoPadding(false);
          data = Buffer.concat([iv, c.update(padded), c.final()]);
        }
        const expected = node.aesDecrypt(mode, cek, data);
        expect(Buffer.from(expected!)).toEqual(Buffer.from(plain));
        if (!(await web.aesSupported(keyBytes))) return;
        expect(Buffer.from((await web.aesDecrypt(mode, cek, data))!)).toEqual(Buffer.from(plain));
        const bad = Buffer.from(data);
        bad[bad.length - 1]! ^= 0x80;
        const nBad = node.aesDecrypt(mode, cek, bad);
        const wBad = await web.aesDecrypt(mode, cek, bad);
        expect(wBad === undefined ? undefined : Buffer.from(wBad)).toEqual(nBad === undefined ? undefined : Buffer.from(nBad));
      }),
      { numRuns: 150 },
    );
  });

  it('refuses passphrase-protected keys by name', () => {
    expect(() => web.importPrivateKey({ key: sp.privateKeyPem, passphrase: 'x' })).toThrow(expect.objectContaining({ code: 'RUNTIME_UNSUPPORTED' }));
  });
});

describe.each([
  ['node', node],
  ['web', web],
] as const)('AES edges, %s backend', (_name, backend) => {
  const key = randomBytes(16);
  const cbc = (plain: Buffer) => {
    const iv = randomBytes(16);
    const c = createCipheriv('aes-128-cbc', key, iv);
    c.setAutoPadding(false);
    return Buffer.concat([iv, c.update(plain), c.final()]);
  };
  const padded = (...tail: Buffer[]) => cbc(Buffer.concat([Buffer.alloc(15, 0x61), ...tail]));

  it('too short for GCM (IV + tag) or CBC (IV + one block), or not whole CBC blocks → undefined', async () => {
    expect(await backend.aesDecrypt('gcm', key, randomBytes(27))).toBeUndefined();
    expect(await backend.aesDecrypt('cbc', key, randomBytes(16))).toBeUndefined();
    expect(await backend.aesDecrypt('cbc', key, randomBytes(40))).toBeUndefined();
  });

  it('CBC padding must be 1..16; 1 and 16 are fine', async () => {
    expect(await backend.aesDecrypt('cbc', key, padded(Buffer.from([0])))).toBeUndefined();
    expect(await backend.aesDecrypt('cbc', key, padded(Buffer.from([17])))).toBeUndefined();
    expect(Buffer.from((await backend.aesDecrypt('cbc', key, padded(Buffer.from([1]))))!).toString()).toBe('a'.repeat(15));
    expect((await backend.aesDecrypt('cbc', key, padded(Buffer.alloc(1, 16), Buffer.alloc(16, 16))))!.length).toBe(16);
    expect((await backend.aesDecrypt('cbc', key, cbc(Buffer.concat([Buffer.alloc(16, 0x61), Buffer.alloc(16, 16)]))))!.length).toBe(16);
  });
});

describe('the rest of the surface', () => {
  it('signing is refused by name under WebCrypto', () => {
    expect(() => web.signText()).toThrow(expect.objectContaining({ code: 'RUNTIME_UNSUPPORTED' }));
  });
  it('random IDs have the asked length', () => {
    expect(web.randomId(16)).toHaveLength(16);
    expect(node.randomId(16)).toHaveLength(16);
  });
  it('the node backend hashes like createHash', () => {
    expect(Buffer.from(node.digest('sha256', 'x'))).toEqual(createHash('sha256').update('x').digest());
  });
});
