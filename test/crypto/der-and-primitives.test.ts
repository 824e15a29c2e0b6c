// The DER reader must refuse, not tolerate: each structural rule is pinned by an input that breaks only
// it (the property test in backends.test.ts only checks that malformed input never crashes). Also the
// node backend's primitives at their edges: private-key forms, EC signatures,
// digests of unequal length, OAEP at its longest message, and colon-hex formatting.
import { constants, createHash, generateKeyPairSync, publicEncrypt, randomBytes, verify as cryptoVerify, X509Certificate, createSecretKey } from 'node:crypto';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import * as node from '../../src/crypto/backend.js';
import { pkcs8RsaBits, readCertificate, readSpki, rsaPublicKeyToSpki } from '../../src/crypto/der.js';
import { colonHex } from '../../src/crypto/index.js';
import { rsaOaepDecrypt } from '../../src/crypto/oaep.js';

const RSA = loadKeyPair('rsa2048');
const EC = loadKeyPair('ec-p256');
const spkiOf = (pem: string) => new Uint8Array(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' }));
const EC_SPKI = spkiOf(EC.certificatePem);
const RSA_SPKI = spkiOf(RSA.certificatePem);
const bytes = (...b: number[]) => Uint8Array.from(b);

describe('DER: every structural rule refuses', () => {
  const refused = (input: Uint8Array) => expect(() => readSpki(input)).toThrow(/not valid DER/);

  it('lengths: truncated, indefinite, over four octets, beyond the input, non-minimal', () => {
    refused(bytes(0x30));
    refused(bytes(0x30, 0x80));
    refused(bytes(0x30, 0x85, 1, 0, 0, 0, 0));
    refused(bytes(0x30, 0x82, 0x01));
    refused(bytes(0x30, 0x05, 0x00));
    refused(Uint8Array.from([0x30, 0x81, 0x03, 0x05, 0x00, 0x05]));
    // A valid SPKI re-encoded with a needless long-form length (0x82 0x00 LL) is refused.
    const body = EC_SPKI.subarray(2);
    refused(Uint8Array.from([0x30, 0x82, 0x00, EC_SPKI[1]!, ...body]));
    refused(Uint8Array.from([0x30, 0x81, EC_SPKI[1]!, ...body]));
  });

  it('a multi-byte tag, a trailing byte, a top that is not a SEQUENCE', () => {
    refused(bytes(0x1f, 0x01, 0x00));
    refused(Uint8Array.from([...EC_SPKI, 0x00]));
    const set = Uint8Array.from(EC_SPKI);
    set[0] = 0x31;
    refused(set);
  });

  it('a BIT STRING with unused bits, or a key that is not a BIT STRING', () => {
    const at = EC_SPKI.length - 66; // the BIT STRING's unused-bits octet of an uncompressed P-256 point
    expect(EC_SPKI[at - 2]).toBe(0x03);
    const unused = Uint8Array.from(EC_SPKI);
    unused[at] = 1;
    refused(unused);
    const octets = Uint8Array.from(EC_SPKI);
    octets[at - 2] = 0x04;
    refused(octets);
  });

  it('more than 64 elements in one SEQUENCE', () => {
    const many = (n: number) => Uint8Array.from([0x30, 0x81, 2 * n, ...Array.from({ length: n }, () => [0x05, 0x00]).flat()]);
    refused(many(65));
    // A certificate subject with 65 RDNs is refused the same way.
    expect(() => readCertificate(certificate(Array.from({ length: 65 }, (_, i) => ({ name: 'organizationalUnitName', value: `u${i}` }))))).toThrow(/not valid DER/);
  });

  it('the RSA modulus size is its bit length (leading zero octet and top bit accounted for)', () => {
    for (const bits of [1024, 2047, 2048, 3072]) {
      const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
      expect(readSpki(new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })))).toMatchObject({ family: 'rsa', bits });
    }
  });

  it('algorithm and curve OIDs are decoded, including multi-octet arcs and a first arc of 2', () => {
    const dsa = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 }).publicKey.export({ type: 'spki', format: 'der' });
    expect(readSpki(new Uint8Array(dsa)).description).toBe('a key of algorithm 1.2.840.10040.4.1');
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
    expect(readSpki(new Uint8Array(ed)).description).toBe('a key of algorithm 1.3.101.112');
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ type: 'spki', format: 'der' });
    expect(readSpki(new Uint8Array(k1))).toEqual({ family: 'other', bits: 0, description: 'EC curve "1.3.132.0.10"' });
    // 2.999.3 (first octet 0x88 0x37: 999 + 80) in place of the algorithm OID.
    const alg = Uint8Array.from([0x30, 0x0b, 0x30, 0x05, 0x06, 0x03, 0x88, 0x37, 0x03, 0x03, 0x02, 0x00, 0x00]);
    expect(readSpki(alg).description).toBe('a key of algorithm 2.999.3');
    expect(readSpki(EC_SPKI)).toEqual({ family: 'ec', bits: 256, curve: 'P-256', description: 'P-256' });
  });
});

/** A self-signed certificate with the given subject attributes (node-forge), as DER. */
function certificate(subject: Array<Record<string, unknown>>, drop?: 'version'): Uint8Array {
  const key = forge.pki.privateKeyFromPem(RSA.privateKeyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date('2026-01-01T00:00:00Z');
  cert.validity.notAfter = new Date('2027-01-01T00:00:00Z');
  cert.setSubject(subject as never);
  cert.setIssuer([{ name: 'commonName', value: 'issuer' }] as never);
  cert.sign(key as never, forge.md.sha256.create());
  const asn1 = forge.pki.certificateToAsn1(cert);
  if (drop === 'version') (asn1.value[0] as forge.asn1.Asn1).value = ((asn1.value[0] as forge.asn1.Asn1).value as forge.asn1.Asn1[]).slice(1);
  return Uint8Array.from(Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'));
}

describe('certificate subjects', () => {
  it('names each attribute type it knows, keeps unknown OIDs, reads UTF-8 and BMPString', () => {
    const der = certificate([
      { name: 'countryName', value: 'NL' },
      { name: 'commonName', value: 'Ünïcode IdP', valueTagClass: forge.asn1.Type.UTF8 },
      { name: 'organizationalUnitName', value: 'bmp', valueTagClass: forge.asn1.Type.BMPSTRING },
      { type: '2.5.4.99', value: 'x' },
      { type: '1.2.840.113549.1.9.1', value: 'ops@idp.example' },
      { type: '0.9.2342.19200300.100.1.25', value: 'example' },
      { type: '2.5.4.5', value: '42' },
      { type: '2.5.4.7', value: 'Delft' },
      { type: '2.5.4.8', value: 'ZH' },
      { type: '2.5.4.10', value: 'Org' },
    ]);
    expect(readCertificate(der).subject).toBe('C=NL, CN=Ünïcode IdP, OU=bmp, 2.5.4.99=x, emailAddress=ops@idp.example, DC=example, serialNumber=42, L=Delft, ST=ZH, O=Org');
  });

  it('a version 1 certificate (no [0] version field) is read the same', () => {
    const v3 = readCertificate(certificate([{ name: 'commonName', value: 'a' }]));
    const v1 = readCertificate(certificate([{ name: 'commonName', value: 'a' }], 'version'));
    expect(v1.subject).toBe('CN=a');
    expect(Buffer.from(v1.spki)).toEqual(Buffer.from(v3.spki));
  });

  it('a trailing byte, or a tbsCertificate that is not a SEQUENCE, is refused', () => {
    const der = certificate([{ name: 'commonName', value: 'a' }]);
    expect(() => readCertificate(Uint8Array.from([...der, 0]))).toThrow(/not valid DER/);
    const wrong = Uint8Array.from(der);
    wrong[4] = 0x31;
    expect(() => readCertificate(wrong)).toThrow(/not valid DER/);
  });
});

describe('PKCS#1 and PKCS#8 rewrapping', () => {
  it('SPKI lengths in short, one-octet and two-octet form', () => {
    for (const bits of [1024, 2048]) {
      const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
      expect(Buffer.from(rsaPublicKeyToSpki(publicKey.export({ type: 'pkcs1', format: 'der' })))).toEqual(publicKey.export({ type: 'spki', format: 'der' }));
    }
    expect(Array.from(rsaPublicKeyToSpki(bytes(0x30, 0x00)))).toEqual([0x30, 0x14, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x03, 0x03, 0x00, 0x30, 0x00]);
  });

  it('pkcs8RsaBits: the modulus size of an RSA PKCS#8 key, 0 for anything else', () => {
    const pkcs8 = new Uint8Array(RSA.privateKey.export({ type: 'pkcs8', format: 'der' }));
    expect(pkcs8RsaBits(pkcs8)).toBe(2048);
    expect(pkcs8RsaBits(new Uint8Array(EC.privateKey.export({ type: 'pkcs8', format: 'der' })))).toBe(0);
    expect(pkcs8RsaBits(Uint8Array.from([...pkcs8, 0]))).toBe(0);
    const set = Uint8Array.from(pkcs8);
    set[0] = 0x31;
    expect(pkcs8RsaBits(set)).toBe(0);
    expect(pkcs8RsaBits(bytes(1, 2, 3))).toBe(0);
  });
});

describe('node backend primitives', () => {
  it('digestsEqual answers false for unequal lengths (timingSafeEqual would throw)', () => {
    expect(node.digestsEqual(bytes(1, 2), bytes(1, 2, 0))).toBe(false);
    expect(node.digestsEqual(bytes(1, 2), bytes(1, 2))).toBe(true);
  });

  it('ECDSA signatures are IEEE P1363 (r || s), both ways', () => {
    const sig = node.signText('sha256', 'ec', EC.privateKey, 'text');
    expect(sig.length).toBe(64);
    expect(cryptoVerify('sha256', Buffer.from('text'), { key: EC.certificate.publicKey, dsaEncoding: 'ieee-p1363' }, sig)).toBe(true);
    expect(node.verifySignature('sha256', 'ec', EC.certificate.publicKey, 'text', sig)).toBe(true);
  });

  it('a key verify cannot use answers false, not an exception', () => {
    const x25519 = generateKeyPairSync('x25519').publicKey;
    expect(node.verifySignature('sha256', 'rsa', x25519, 'text', new Uint8Array(256))).toBe(false);
  });

  it('private keys: PEM, PKCS#8 DER bytes, encrypted PEM and DER with a passphrase, KeyObjects; the type is reported', () => {
    const der = new Uint8Array(RSA.privateKey.export({ type: 'pkcs8', format: 'der' }));
    const encPem = RSA.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string;
    const encDer = RSA.privateKey.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: 'pw' });
    for (const input of [RSA.privateKeyPem, der, { key: encPem, passphrase: 'pw' }, { key: new Uint8Array(encDer), passphrase: 'pw' }, RSA.privateKey]) {
      expect(node.importPrivateKey(input)).toMatchObject({ family: 'rsa', bits: 2048 });
    }
    expect(node.importPrivateKey(RSA.certificate.publicKey).family).toBe('public');
    expect(node.importPrivateKey(createSecretKey(randomBytes(32))).family).toBe('secret');
    expect(() => node.importPrivateKey(42)).toThrow();
    expect(() => node.importPrivateKey(null)).toThrow();
  });
});

describe('RSA-OAEP and formatting', () => {
  it('decodes the longest message the key allows (no padding string at all)', () => {
    const sp = loadKeyPair('rsa3072');
    const message = randomBytes(384 - 2 * 20 - 2);
    const cipher = publicEncrypt({ key: sp.certificate.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, message);
    expect(Buffer.from(rsaOaepDecrypt(sp.privateKey, cipher, 'sha1', 'sha1')!)).toEqual(message);
  });

  it('colon hex pads single digits and upper-cases', () => {
    expect(colonHex(bytes(0x00, 0x0f, 0x10, 0xab, 0xff))).toBe('00:0F:10:AB:FF');
  });
});

describe('DER and OAEP: the exact boundaries', () => {
  it('64 elements in one SEQUENCE are fine (65 are not: above)', () => {
    const der = certificate(Array.from({ length: 64 }, (_, i) => ({ name: 'organizationalUnitName', value: `u${i}` })));
    expect(readCertificate(der).subject.split(', ')).toHaveLength(64);
  });

  it('a long-form length with a leading zero octet is refused even when the length needs two octets', () => {
    expect(RSA_SPKI[1]).toBe(0x82);
    const body = RSA_SPKI.subarray(4);
    expect(() => readSpki(Uint8Array.from([0x30, 0x83, 0x00, RSA_SPKI[2]!, RSA_SPKI[3]!, ...body]))).toThrow(/not valid DER/);
    expect(readSpki(RSA_SPKI).bits).toBe(2048);
  });

  it('a certificate whose outer tag is not SEQUENCE is refused', () => {
    const der = certificate([{ name: 'commonName', value: 'a' }]);
    const set = Uint8Array.from(der);
    set[0] = 0x31;
    expect(() => readCertificate(set)).toThrow(/not valid DER/);
  });

  it('lengths of 127 and 128 octets are encoded short and long (0x81 0x80)', () => {
    const pkcs1 = (n: number) => Uint8Array.from([0x30, n - 2, ...new Array(n - 2).fill(0)]);
    const short = rsaPublicKeyToSpki(pkcs1(126)); // BIT STRING content: 1 + 126 = 127
    expect(Array.from(short.subarray(18, 20))).toEqual([0x03, 0x7f]);
    const long = rsaPublicKeyToSpki(pkcs1(127)); // BIT STRING content: 128
    expect(Array.from(long.subarray(18, 21))).toEqual([0x03, 0x81, 0x80]);
  });

  it('an all-zero RSA modulus has 0 bits', () => {
    const spki = rsaPublicKeyToSpki(bytes(0x30, 0x09, 0x02, 0x02, 0x00, 0x00, 0x02, 0x03, 0x01, 0x00, 0x01));
    expect(readSpki(spki)).toMatchObject({ family: 'rsa', bits: 0 });
  });

  /** EME-OAEP (RFC 8017 §7.1.1) with SHA-1, optionally with a corrupted padding string. */
  function oaepEncode(k: number, message: Buffer, corrupt?: 'ps'): Buffer {
    const hLen = 20;
    const mgf = (seed: Buffer, len: number) => {
      const out: Buffer[] = [];
      for (let i = 0; Buffer.concat(out).length < len; i++) out.push(createHash('sha1').update(seed).update(Buffer.from([0, 0, 0, i])).digest());
      return Buffer.concat(out).subarray(0, len);
    };
    const ps = Buffer.alloc(k - message.length - 2 * hLen - 2);
    if (corrupt === 'ps') ps[0] = 0x02;
    const db = Buffer.concat([createHash('sha1').digest(), ps, Buffer.from([1]), message]);
    const seed = randomBytes(hLen);
    const maskedDb = Buffer.from(db.map((b, i) => b ^ mgf(seed, db.length)[i]!));
    const maskedSeed = Buffer.from(seed.map((b, i) => b ^ mgf(maskedDb, hLen)[i]!));
    return Buffer.concat([Buffer.from([0]), maskedSeed, maskedDb]);
  }

  it('OAEP: a padding string with a byte other than 0 before the 0x01 separator is refused', () => {
    const sp = loadKeyPair('rsa3072');
    const message = randomBytes(32);
    const raw = (em: Buffer) => publicEncrypt({ key: sp.certificate.publicKey, padding: constants.RSA_NO_PADDING }, em);
    expect(Buffer.from(rsaOaepDecrypt(sp.privateKey, raw(oaepEncode(384, message)), 'sha1', 'sha1')!)).toEqual(message);
    expect(rsaOaepDecrypt(sp.privateKey, raw(oaepEncode(384, message, 'ps')), 'sha1', 'sha1')).toBeUndefined();
  });

  it('OAEP: a ciphertext as long as the modulus but larger than it is refused, not thrown', () => {
    const sp = loadKeyPair('rsa3072');
    expect(rsaOaepDecrypt(sp.privateKey, Buffer.alloc(384, 0xff), 'sha1', 'sha1')).toBeUndefined();
  });
});
