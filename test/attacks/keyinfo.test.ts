/**
 * KeyInfo may only *select* among configured keys; it must never supply one. Key strength and key
 * family are policy.
 */
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { setText } from '../../fixtures/mutate.js';
import { importTrustedKeys } from '../../src/keys/index.js';
import { dsChild, edit, expectCode, NS, signDoc, trusted, verifyDoc } from '../dsig/helpers.js';

const pemBody = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');

describe('KeyInfo: baseline', () => {
  it('a document signed by the configured key, with and without its certificate in KeyInfo, verifies', () => {
    expect(verifyDoc(signDoc()).key.fingerprint).toBe(loadKeyPair('rsa2048').certificate.fingerprint256);
    expect(verifyDoc(signDoc({ certName: null })).key.fingerprint).toBe(loadKeyPair('rsa2048').certificate.fingerprint256);
  });
});

describe('KeyInfo: attacker keys', () => {
  const attacker = loadKeyPair('attacker-rsa2048');

  it('the impostor really has the same subject as the trusted certificate (precondition)', () => {
    expect(attacker.certificate.subject).toBe(loadKeyPair('rsa2048').certificate.subject);
    expect(attacker.certificate.fingerprint256).not.toBe(loadKeyPair('rsa2048').certificate.fingerprint256);
  });

  it('signed by the attacker key, attacker certificate in KeyInfo → KEY_NOT_TRUSTED naming the claimed fingerprint', () => {
    const err = expectCode(() => verifyDoc(signDoc({ keyName: 'attacker-rsa2048' })), 'KEY_NOT_TRUSTED');
    expect(err.message).toContain(attacker.certificate.fingerprint256);
    expect(err.details).toMatchObject({ claimedFingerprint: attacker.certificate.fingerprint256 });
    expect(err.message).not.toContain(loadKeyPair('rsa2048').certificate.fingerprint256);
  });

  it('signed by the attacker key, no KeyInfo → SIGNATURE_INVALID (every configured key is tried, none verifies)', () => {
    expectCode(() => verifyDoc(signDoc({ keyName: 'attacker-rsa2048', certName: null })), 'SIGNATURE_INVALID');
  });

  it('signed by the attacker key, the TRUSTED certificate in KeyInfo → SIGNATURE_INVALID', () => {
    expectCode(() => verifyDoc(signDoc({ keyName: 'attacker-rsa2048', certName: 'rsa2048' })), 'SIGNATURE_INVALID');
  });

  it('signed by the attacker key, KeyInfo offers the attacker certificate AND the trusted one → SIGNATURE_INVALID', () => {
    const xml = edit(signDoc({ keyName: 'attacker-rsa2048' }), (p) => {
      const data = dsChild(p.keyInfo!, 'X509Data');
      const cert = p.doc.createElementNS(NS.ds, 'ds:X509Certificate');
      cert.appendChild(p.doc.createTextNode(pemBody(loadKeyPair('rsa2048').certificatePem)));
      data.appendChild(cert);
    });
    expectCode(() => verifyDoc(xml), 'SIGNATURE_INVALID');
  });

  it('signed by the attacker key, KeyInfo carries a raw RSAKeyValue of the attacker key → SIGNATURE_INVALID', () => {
    const jwk = attacker.certificate.publicKey.export({ format: 'jwk' });
    const xml = edit(signDoc({ keyName: 'attacker-rsa2048', certName: null }), (p) => {
      const keyInfo = p.doc.createElementNS(NS.ds, 'ds:KeyInfo');
      const keyValue = p.doc.createElementNS(NS.ds, 'ds:KeyValue');
      const rsa = p.doc.createElementNS(NS.ds, 'ds:RSAKeyValue');
      for (const [name, value] of [['Modulus', jwk.n], ['Exponent', jwk.e]] as const) {
        const el = p.doc.createElementNS(NS.ds, `ds:${name}`);
        el.appendChild(p.doc.createTextNode(Buffer.from(value!, 'base64url').toString('base64')));
        rsa.appendChild(el);
      }
      keyValue.appendChild(rsa);
      keyInfo.appendChild(keyValue);
      p.signature.appendChild(keyInfo);
    });
    expectCode(() => verifyDoc(xml), 'SIGNATURE_INVALID');
  });

  it('a legitimate signature whose KeyInfo is swapped for the attacker certificate → KEY_NOT_TRUSTED', () => {
    // KeyInfo is not signed; replacing it must not make a valid signature "use" another key.
    const xml = edit(signDoc(), (p) => setText(dsChild(dsChild(p.keyInfo!, 'X509Data'), 'X509Certificate'), pemBody(attacker.certificatePem)));
    expectCode(() => verifyDoc(xml), 'KEY_NOT_TRUSTED');
  });
});

describe('KeyInfo: certificates that are not configured', () => {
  it('a genuine but unconfigured certificate (rsa2048-next) → KEY_NOT_TRUSTED', () => {
    const err = expectCode(() => verifyDoc(signDoc({ keyName: 'rsa2048-next' })), 'KEY_NOT_TRUSTED');
    expect(err.message).toContain(loadKeyPair('rsa2048-next').certificate.fingerprint256);
  });

  it('an unconfigured key without KeyInfo → SIGNATURE_INVALID', () => {
    expectCode(() => verifyDoc(signDoc({ keyName: 'rsa2048-next', certName: null })), 'SIGNATURE_INVALID');
  });

  it('KeyInfo with base64 that is not a certificate → KEY_NOT_TRUSTED', () => {
    const xml = edit(signDoc(), (p) => setText(dsChild(dsChild(p.keyInfo!, 'X509Data'), 'X509Certificate'), Buffer.from('not a certificate').toString('base64')));
    expectCode(() => verifyDoc(xml), 'KEY_NOT_TRUSTED');
  });

  it('KeyInfo with an X509Certificate that is not base64 → SIGNATURE_SHAPE_INVALID', () => {
    const xml = edit(signDoc(), (p) => setText(dsChild(dsChild(p.keyInfo!, 'X509Data'), 'X509Certificate'), 'MII*not-base64*'));
    expectCode(() => verifyDoc(xml), 'SIGNATURE_SHAPE_INVALID');
  });
});

describe('KeyInfo: rotation', () => {
  const both = () => trusted('rsa2048', 'rsa2048-next');

  it('two configured keys; a message signed by the second verifies (with KeyInfo) and reports that key', () => {
    const result = verifyDoc(signDoc({ keyName: 'rsa2048-next' }), { keys: both() });
    expect(result.key.fingerprint).toBe(loadKeyPair('rsa2048-next').certificate.fingerprint256);
  });

  it('two configured keys; a message signed by the second verifies without KeyInfo (keys are tried in turn)', () => {
    const result = verifyDoc(signDoc({ keyName: 'rsa2048-next', certName: null }), { keys: both() });
    expect(result.key.fingerprint).toBe(loadKeyPair('rsa2048-next').certificate.fingerprint256);
  });

  it('two configured keys; messages signed by the first still verify', () => {
    expect(verifyDoc(signDoc(), { keys: both() }).key.fingerprint).toBe(loadKeyPair('rsa2048').certificate.fingerprint256);
  });

  it('two configured keys; the attacker still fails → KEY_NOT_TRUSTED / SIGNATURE_INVALID', () => {
    expectCode(() => verifyDoc(signDoc({ keyName: 'attacker-rsa2048' }), { keys: both() }), 'KEY_NOT_TRUSTED');
    expectCode(() => verifyDoc(signDoc({ keyName: 'attacker-rsa2048', certName: null }), { keys: both() }), 'SIGNATURE_INVALID');
  });

  it('KeyInfo names the first key but the second signed → SIGNATURE_INVALID (KeyInfo narrows the candidates)', () => {
    expectCode(() => verifyDoc(signDoc({ keyName: 'rsa2048-next', certName: 'rsa2048' }), { keys: both() }), 'SIGNATURE_INVALID');
  });

  it('a key configured as a bare SPKI public key is selected by a KeyInfo certificate for the same key', () => {
    const spkiPem = loadKeyPair('rsa2048').certificate.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const keys = importTrustedKeys([spkiPem]);
    expect(keys[0]!.fingerprint).toBeUndefined();
    expect(verifyDoc(signDoc(), { keys }).key).toBe(keys[0]);
  });
});

describe('KeyInfo: key strength and family policy', () => {
  it('rsa1024 → KEY_NOT_TRUSTED by default (minRsaKeyBits 2048)', () => {
    const xml = signDoc({ keyName: 'rsa1024' });
    expectCode(() => verifyDoc(xml, { keys: trusted('rsa1024') }), 'KEY_NOT_TRUSTED');
    expectCode(() => verifyDoc(signDoc({ keyName: 'rsa1024', certName: null }), { keys: trusted('rsa1024') }), 'KEY_NOT_TRUSTED');
  });

  it('rsa1024 verifies with { minRsaKeyBits: 1024 }', () => {
    const xml = signDoc({ keyName: 'rsa1024' });
    const result = verifyDoc(xml, { keys: trusted('rsa1024'), policy: { minRsaKeyBits: 1024 } });
    expect(result.key.bits).toBe(1024);
  });

  it('rsa2048 → KEY_NOT_TRUSTED with { minRsaKeyBits: 3072 }; rsa3072 verifies with it', () => {
    expectCode(() => verifyDoc(signDoc(), { policy: { minRsaKeyBits: 3072 } }), 'KEY_NOT_TRUSTED');
    verifyDoc(signDoc({ keyName: 'rsa3072' }), { keys: trusted('rsa3072'), policy: { minRsaKeyBits: 3072 } });
  });

  it('a weak key configured next to a strong one is never used: rsa1024 signature → SIGNATURE_INVALID (no KeyInfo) / KEY_NOT_TRUSTED (KeyInfo)', () => {
    expectCode(() => verifyDoc(signDoc({ keyName: 'rsa1024', certName: null }), { keys: trusted('rsa2048', 'rsa1024') }), 'SIGNATURE_INVALID');
    expectCode(() => verifyDoc(signDoc({ keyName: 'rsa1024' }), { keys: trusted('rsa2048', 'rsa1024') }), 'KEY_NOT_TRUSTED');
  });

  it('an ECDSA signature when only RSA keys are configured → KEY_NOT_TRUSTED', () => {
    const xml = signDoc({ keyName: 'ec-p256', signatureAlgorithm: 'ecdsa-sha256', certName: null });
    verifyDoc(xml, { keys: trusted('ec-p256') });
    expectCode(() => verifyDoc(xml), 'KEY_NOT_TRUSTED');
  });

  it('an RSA signature labelled ECDSA (algorithm/key confusion) → KEY_NOT_TRUSTED', () => {
    // The signer does not police algorithm vs key; the verifier binds the algorithm family to the key family.
    const xml = signDoc({ keyName: 'rsa2048', signatureAlgorithm: 'ecdsa-sha256' });
    expectCode(() => verifyDoc(xml), 'KEY_NOT_TRUSTED');
  });

  it('an ECDSA key whose certificate is in KeyInfo but an RSA SignatureMethod → KEY_NOT_TRUSTED', () => {
    const xml = signDoc({ keyName: 'ec-p256', signatureAlgorithm: 'ecdsa-sha256' });
    verifyDoc(xml, { keys: trusted('ec-p256', 'rsa2048') });
    const relabelled = edit(xml, (p) => p.signatureMethod.setAttribute('Algorithm', 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'));
    expectCode(() => verifyDoc(relabelled, { keys: trusted('ec-p256', 'rsa2048') }), 'KEY_NOT_TRUSTED');
  });

  it('an ECDSA signature by P-384 when only P-256 is configured → KEY_NOT_TRUSTED / SIGNATURE_INVALID', () => {
    expectCode(() => verifyDoc(signDoc({ keyName: 'ec-p384', signatureAlgorithm: 'ecdsa-sha384' }), { keys: trusted('ec-p256') }), 'KEY_NOT_TRUSTED');
    expectCode(
      () => verifyDoc(signDoc({ keyName: 'ec-p384', signatureAlgorithm: 'ecdsa-sha384', certName: null }), { keys: trusted('ec-p256') }),
      'SIGNATURE_INVALID',
    );
  });
});

describe('KeyInfo: configuration edge cases', () => {
  it('no configured keys at all → KEY_NOT_TRUSTED, with and without KeyInfo', () => {
    expectCode(() => verifyDoc(signDoc(), { keys: [] }), 'KEY_NOT_TRUSTED');
    expectCode(() => verifyDoc(signDoc({ certName: null }), { keys: [] }), 'KEY_NOT_TRUSTED');
  });

  it('certificate validity dates are not enforced for configured keys (SECURITY.md: trust comes from configuration)', () => {
    for (const name of ['rsa2048-expired', 'rsa2048-not-yet-valid'] as const) {
      expect(verifyDoc(signDoc({ keyName: name }), { keys: trusted(name) }).key.fingerprint).toBe(loadKeyPair(name).certificate.fingerprint256);
    }
  });
});
