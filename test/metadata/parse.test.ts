import { describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { loadKeyPair } from '../../fixtures/index.js';
import { entitiesMetadata, idpMetadata, signedIdpMetadata } from '../../fixtures/metadata.js';
import { TEST_IDP } from '../../fixtures/saml.js';
import { importTrustedKeys, parseIdpMetadata, SamlGuardError, type ErrorCode } from '../../src/index.js';
import { durationSeconds } from '../../src/metadata/parse.js';

const fp = (pem: string): string => new X509Certificate(pem).fingerprint256;
const RSA = loadKeyPair('rsa2048');
const NEXT = loadKeyPair('rsa2048-next');

function code(fn: () => unknown): ErrorCode | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof SamlGuardError) return err.code;
    throw err;
  }
  return undefined;
}

describe('parseIdpMetadata', () => {
  it('returns a plain, serialisable description', () => {
    const md = parseIdpMetadata(idpMetadata({ validUntil: '2099-01-01T00:00:00Z', cacheDuration: 'PT6H' }));
    expect(JSON.parse(JSON.stringify(md))).toEqual(md);
    expect(md).toMatchObject({
      entityId: TEST_IDP,
      validUntil: '2099-01-01T00:00:00.000Z',
      cacheDuration: 'PT6H',
      cacheDurationSeconds: 21600,
      nameIdFormats: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
      singleSignOnServices: [{ binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', location: 'https://idp.samlguard.test/sso' }],
      signatureVerified: false,
    });
    expect(md.signingCertificates.map(fp)).toEqual([fp(RSA.certificatePem)]);
  });

  it('takes signing keys and keys without use, never encryption-only keys', () => {
    const md = parseIdpMetadata(idpMetadata({ signing: ['rsa2048'], anyUse: ['ec-p256'], encryption: ['rsa2048-next'] }));
    expect(md.signingCertificates.map(fp)).toEqual([fp(RSA.certificatePem), fp(loadKeyPair('ec-p256').certificatePem)]);
  });

  it('two signing keys mid-rotation are both returned', () => {
    const md = parseIdpMetadata(idpMetadata({ signing: ['rsa2048', 'rsa2048-next'] }));
    expect(md.signingCertificates).toHaveLength(2);
  });

  it('picks one IdP out of an EntitiesDescriptor by entityID; ambiguity and absence are errors', () => {
    const xml = entitiesMetadata([{ entityId: 'https://a.example' }, { entityId: 'https://b.example', signing: ['rsa2048-next'] }]);
    expect(code(() => parseIdpMetadata(xml))).toBe('METADATA_INVALID');
    expect(parseIdpMetadata(xml, { entityId: 'https://b.example' }).signingCertificates.map(fp)).toEqual([fp(NEXT.certificatePem)]);
    expect(code(() => parseIdpMetadata(xml, { entityId: 'https://c.example' }))).toBe('METADATA_INVALID');
  });

  it('the earliest validUntil and shortest cacheDuration in scope win (EntitiesDescriptor limits apply to its entities)', () => {
    const xml = entitiesMetadata([{ entityId: 'https://a.example', validUntil: '2099-01-01T00:00:00Z', cacheDuration: 'P1D' }], 'validUntil="2098-01-01T00:00:00Z" cacheDuration="PT1H"');
    expect(parseIdpMetadata(xml)).toMatchObject({ validUntil: '2098-01-01T00:00:00.000Z', cacheDurationSeconds: 3600 });
  });

  it('rejects what is not IdP metadata', () => {
    expect(code(() => parseIdpMetadata('<x/>'))).toBe('METADATA_INVALID');
    expect(code(() => parseIdpMetadata(idpMetadata().replace('urn:oasis:names:tc:SAML:2.0:protocol"', 'urn:oasis:names:tc:SAML:1.1:protocol"')))).toBe('METADATA_INVALID');
    expect(code(() => parseIdpMetadata(idpMetadata({ signing: [], encryption: ['rsa2048'] })))).toBe('METADATA_INVALID');
    expect(code(() => parseIdpMetadata(idpMetadata({ cacheDuration: 'six hours' })))).toBe('METADATA_INVALID');
    expect(code(() => parseIdpMetadata('<!DOCTYPE x [<!ENTITY a "b">]><x/>'))).toBe('METADATA_INVALID');
  });

  describe('signature pinning', () => {
    const pinned = importTrustedKeys([NEXT.certificatePem]);

    it('accepts metadata signed by a pinned certificate', () => {
      expect(parseIdpMetadata(signedIdpMetadata(), { signingKeys: pinned })).toMatchObject({ entityId: TEST_IDP, signatureVerified: true });
    });

    it('rejects unsigned metadata when pinning is configured', () => {
      expect(code(() => parseIdpMetadata(idpMetadata(), { signingKeys: pinned }))).toBe('METADATA_INVALID');
    });

    it('rejects metadata signed by another key', () => {
      expect(code(() => parseIdpMetadata(signedIdpMetadata({}, 'attacker-rsa2048'), { signingKeys: pinned }))).toBe('METADATA_INVALID');
    });

    it('rejects signed metadata whose signing keys were changed after signing', () => {
      const tampered = signedIdpMetadata().replace(/(<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>)[^<]+/, `$1${loadKeyPair('attacker-rsa2048').certificatePem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '')}`);
      expect(code(() => parseIdpMetadata(tampered, { signingKeys: pinned }))).toBe('METADATA_INVALID');
    });
  });

  it('reads xs:duration values', () => {
    expect(durationSeconds('PT30M')).toBe(1800);
    expect(durationSeconds('P1DT2H')).toBe(93600);
    expect(durationSeconds('PT0.5S')).toBe(0.5);
    expect(durationSeconds('P')).toBeUndefined();
    expect(durationSeconds('PT')).toBeUndefined();
    expect(durationSeconds('1h')).toBeUndefined();
  });
});
