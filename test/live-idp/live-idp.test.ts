/*
 * Interop against real IdP software generating fresh responses on this machine (issue: live-IdP suite):
 *   - SimpleSAMLphp from Debian's apt, run by PHP's built-in server on 127.0.0.1; its metadata fetched over
 *     HTTP configures samlguard; responses come from its IdP-initiated sign-on after a real login;
 *   - pysaml2 from Debian's apt, Server.create_authn_response driven by a Python script;
 *   - xmlsec1 from Debian's apt, signing templates we write (a third, independent signer).
 * Every response must verify with the exact NameID and attributes; copies edited after signing (NameID,
 * audience, time) must be refused with DIGEST_MISMATCH; and each generator's responses go through the
 * mutation fuzzer (test/fuzz). Missing programs skip locally, fail under CI.
 */

const FUZZ_PER_GENERATOR = Number(process.env['LIVE_FUZZ_RUNS'] ?? 2000);

async function expectFuzzClean(seeds: FuzzSeed[]): Promise<void> {
  const report = await fuzz(seeds, FUZZ_PER_GENERATOR, 13);
  expect(report.findings.map((f) => `${f.seed}#${f.run} ${f.kind}: ${f.detail.slice(0, 300)}`)).toEqual([]);
}
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { buildResponse } from '../../fixtures/saml.js';
import { createServiceProvider, createVerifier, parseIdpMetadata, type VerifiedAssertion } from '../../src/index.js';
import { programPresent } from './programs.js';
import { pysaml2Responses, spMetadataXml } from './pysaml2.js';
import { SSP_USERS, startSimpleSamlPhp, type SimpleSamlPhp } from './simplesamlphp.js';
import { fuzz, type FuzzSeed } from '../fuzz/mutator.js';
import { decodeResponse, expectTamperedRefused } from './tamper.js';
import { signatureTemplate, xmlsec1Sign, xmlsec1Verify } from './xmlsec1.js';

const SP_KEY = loadKeyPair('rsa3072');
const EMAIL = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

if (programPresent('simplesamlphp', 'live IdP: SimpleSAMLphp')) {
  describe('live IdP: SimpleSAMLphp', () => {
    const sp = (variant: string) => ({ entityId: `https://sp.samlguard.test/ssp/${variant}`, acs: `https://sp.samlguard.test/ssp/${variant}/acs` });
    const VARIANTS = {
      assertion: { signResponse: false, signAssertion: true, covered: 'assertion' },
      response: { signResponse: true, signAssertion: false, covered: 'response' },
      both: { signResponse: true, signAssertion: true, covered: 'both' },
      encrypted: { signResponse: true, signAssertion: true, covered: 'both', encryptTo: SP_KEY.certificatePem },
    } as const;
    let ssp: SimpleSamlPhp;
    let metadata: string;
    const generated: FuzzSeed[] = [];

    beforeAll(async () => {
      ssp = await startSimpleSamlPhp({ sps: Object.entries(VARIANTS).map(([name, v]) => ({ ...sp(name), ...v })) });
      metadata = await (await fetch(ssp.metadataUrl)).text();
    }, 30_000);
    afterAll(async () => ssp?.stop());

    const verifierFor = (variant: keyof typeof VARIANTS) =>
      createVerifier({ idp: { metadata }, audience: sp(variant).entityId, recipient: sp(variant).acs, sp: { decryptionKeys: [SP_KEY.privateKeyPem] } });

    it('its metadata (fetched over HTTP) parses: entityID, the signing certificate, the SSO endpoints', () => {
      const md = parseIdpMetadata(metadata);
      expect(md.entityId).toBe(ssp.entityId);
      expect(md.signingCertificates.map((c) => c.replace(/\s+/g, ''))).toContain(ssp.certificatePem.replace(/\s+/g, ''));
      expect(md.singleSignOnServices.some((s) => s.location === ssp.ssoUrl)).toBe(true);
    });

    for (const variant of Object.keys(VARIANTS) as (keyof typeof VARIANTS)[]) {
      it(`${variant}: a fresh response after a real login verifies with the exact NameID and attributes; tampered copies are refused`, async () => {
        const { SAMLResponse, action } = await ssp.idpInitiated(sp(variant).entityId, 'alice');
        expect(action).toBe(sp(variant).acs);
        const verifier = verifierFor(variant);
        const identity = await verifier.verify(SAMLResponse);
        generated.push({ name: `simplesamlphp/${variant}`, xml: decodeResponse(SAMLResponse), verify: (xml) => verifier.verify(xml) });
        expect(identity.subject.nameId).toBe('alice@example.com');
        expect(identity.subject.format).toBe(EMAIL);
        expect(identity.issuer).toBe(ssp.entityId);
        expect(identity.attributes['groups']).toEqual(SSP_USERS.alice.attributes.groups);
        expect(identity.attributes['mail']).toEqual(['alice@example.com']);
        expect(identity.attributes['displayName']).toEqual(['Alice Example']);
        expect(identity.signature.covered).toBe(VARIANTS[variant].covered);
        expect(identity.signature.algorithm).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
        // An hour later it has expired.
        await expect(verifier.verify(SAMLResponse, { now: new Date(Date.now() + 3600_000) })).rejects.toMatchObject({ code: 'EXPIRED' });
        if (variant !== 'encrypted') {
          await expectTamperedRefused(decodeResponse(SAMLResponse), (xml) => verifierFor(variant).verify(xml));
        } else {
          const xml = decodeResponse(SAMLResponse);
          // The assertion is ciphertext; flipping it breaks the Response signature first.
          const flipped = xml.replace(/(<xenc:CipherValue>)(.)/, (_m, tag: string, c: string) => tag + (c === 'A' ? 'B' : 'A'));
          expect(flipped).not.toBe(xml);
          await expect(verifierFor(variant).verify(flipped)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
        }
      });
    }

    it('a user without groups gets no groups attribute values, and another NameID', async () => {
      const { SAMLResponse } = await ssp.idpInitiated(sp('both').entityId, 'bob');
      const identity = await verifierFor('both').verify(SAMLResponse);
      expect(identity.subject.nameId).toBe('bob@example.com');
      expect(identity.attributes['groups'] ?? []).toEqual([]);
    });

    it(`fuzz: ${FUZZ_PER_GENERATOR} mutations of its responses give the signed identity or a SamlGuardError`, async () => {
      expect(generated.length).toBe(Object.keys(VARIANTS).length);
      await expectFuzzClean(generated);
    }, 60_000);

    it('a response for another SP is refused for its audience', async () => {
      const { SAMLResponse } = await ssp.idpInitiated(sp('assertion').entityId, 'alice');
      await expect(createVerifier({ idp: { metadata }, audience: sp('both').entityId }).verify(SAMLResponse)).rejects.toMatchObject({ code: 'AUDIENCE_MISMATCH' });
    });
  });
}

if (programPresent('pysaml2', 'live IdP: pysaml2')) {
  describe('live IdP: pysaml2', () => {
    const IDP = 'https://idp.pysaml2.samlguard.test/metadata';
    const SP = 'https://sp.samlguard.test/pysaml2';
    const ACS = 'https://sp.samlguard.test/pysaml2/acs';
    const identity = { mail: ['alice@example.com'], groups: ['engineering', 'admins', 'on-call'] };
    const base = { spEntityId: SP, acs: ACS, nameId: 'alice@example.com', nameIdFormat: EMAIL, identity };
    const FORMATS = {
      persistent: ['urn:oasis:names:tc:SAML:2.0:nameid-format:persistent', 'a1b2c3d4-persistent'],
      transient: ['urn:oasis:names:tc:SAML:2.0:nameid-format:transient', '_f00dfeed0123456789'],
      unspecified: ['urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified', 'ALICE\\example'],
    } as const;
    let responses: Record<string, string>;

    beforeAll(async () => {
      responses = await pysaml2Responses({
        idp: IDP,
        keyName: 'rsa2048-next',
        spMetadata: spMetadataXml(SP, ACS, SP_KEY.certificatePem),
        cases: [
          { name: 'assertion', ...base, signAssertion: true },
          { name: 'response', ...base, signAssertion: false, signResponse: true },
          { name: 'both', ...base, signAssertion: true, signResponse: true },
          { name: 'encrypted-cbc', ...base, signAssertion: true, signResponse: true, encrypt: true, contentEncryption: 'aes256-cbc' },
          { name: 'encrypted-gcm', ...base, signAssertion: true, encrypt: true, contentEncryption: 'aes128-gcm' },
          { name: 'in-response-to', ...base, signAssertion: true, inResponseTo: '_req-0123456789abcdef' },
          ...Object.entries(FORMATS).map(([name, [format, value]]) => ({ name: `nameid-${name}`, ...base, nameIdFormat: format, nameId: value, signAssertion: true })),
        ],
      });
    }, 60_000);

    const verifier = (extra: Record<string, unknown> = {}) =>
      createVerifier({ idp: { entityId: IDP, certificates: [loadKeyPair('rsa2048-next').certificatePem] }, audience: SP, recipient: ACS, sp: { decryptionKeys: [SP_KEY.privateKeyPem] }, ...extra });

    const expectAlice = (r: VerifiedAssertion) => {
      expect(r.subject.nameId).toBe('alice@example.com');
      expect(r.subject.format).toBe(EMAIL);
      expect(r.issuer).toBe(IDP);
      expect(r.attributes['groups']).toEqual(identity.groups);
      // pysaml2 maps known names through its attribute maps (basic name format: urn:mace:dir:attribute-def:*).
      expect(r.attributes['urn:mace:dir:attribute-def:mail']).toEqual(identity.mail);
      expect(r.attributeDetails.find((a) => a.friendlyName === 'mail')?.values).toEqual(identity.mail);
    };

    for (const [name, covered] of [['assertion', 'assertion'], ['response', 'response'], ['both', 'both']] as const) {
      it(`${name} signed (RSA-SHA256): verifies with the exact NameID and multi-valued attributes; tampered copies are refused`, async () => {
        const r = await verifier().verify(responses[name]!);
        expectAlice(r);
        expect(r.signature.covered).toBe(covered);
        await expectTamperedRefused(responses[name]!, (xml) => verifier().verify(xml));
      });
    }

    for (const name of ['encrypted-cbc', 'encrypted-gcm']) {
      it(`${name}: decrypted with the SP key and verified; without the key → DECRYPTION_KEY_MISSING`, async () => {
        expectAlice(await verifier().verify(responses[name]!));
        await expect(verifier({ sp: {} }).verify(responses[name]!)).rejects.toMatchObject({ code: 'DECRYPTION_KEY_MISSING' });
      });
    }

    it('InResponseTo: verifies for the request it answers, refused for another', async () => {
      expectAlice(await verifier({ inResponseTo: '_req-0123456789abcdef' }).verify(responses['in-response-to']!));
      await expect(verifier({ inResponseTo: '_req-other' }).verify(responses['in-response-to']!)).rejects.toMatchObject({ code: 'IN_RESPONSE_TO_MISMATCH' });
    });

    it(`fuzz: ${FUZZ_PER_GENERATOR} mutations of its responses give the signed identity or a SamlGuardError`, async () => {
      const v = verifier();
      await expectFuzzClean(['assertion', 'response', 'both', 'encrypted-cbc', 'encrypted-gcm'].map((name) => ({ name: `pysaml2/${name}`, xml: responses[name]!, verify: (xml: string) => v.verify(xml) })));
    }, 60_000);

    for (const [name, [format, value]] of Object.entries(FORMATS)) {
      it(`NameID format ${name}: verbatim value and format`, async () => {
        const r = await verifier().verify(responses[`nameid-${name}`]!);
        expect(r.subject.nameId).toBe(value);
        expect(r.subject.format).toBe(format);
      });
    }
  });
}

if (programPresent('xmlsec1', 'live IdP: xmlsec1')) {
  describe('live IdP: xmlsec1 as an independent signer', () => {
    const SP = 'https://sp.samlguard.test/xmlsec1';
    const ACS = 'https://sp.samlguard.test/xmlsec1/acs';
    const IDP = 'https://idp.xmlsec1.samlguard.test/metadata';
    const AID = '_xmlsec1-assertion-0001';
    const RID = '_xmlsec1-response-0001';
    const spec = { issuer: IDP, audience: SP, recipient: ACS, destination: ACS, assertionId: AID, responseId: RID, issuedAt: Date.now() - 1000, attributes: { groups: ['engineering', 'admins'] } };
    const withTemplate = (xml: string, id: string, tmpl: string) =>
      id === AID
        ? xml.replace(/(<saml:Assertion\b[^>]*>\s*<saml:Issuer>[^<]*<\/saml:Issuer>)/, `$1${tmpl}`)
        : xml.replace(/(<samlp:Response\b[^>]*>\s*<saml:Issuer>[^<]*<\/saml:Issuer>)/, `$1${tmpl}`);
    const CASES = {
      'exc-c14n with PrefixList, rsa-sha256, Assertion signed': { key: 'rsa2048-next', id: AID, tmpl: signatureTemplate(AID, { algorithm: 'rsa-sha256', prefixList: 'xs xsi' }), covered: 'assertion' },
      'rsa-sha256, Response signed': { key: 'rsa2048-next', id: RID, tmpl: signatureTemplate(RID, { algorithm: 'rsa-sha256' }), covered: 'response' },
      'ecdsa-sha256 with a P-256 key, Assertion signed': { key: 'ec-p256', id: AID, tmpl: signatureTemplate(AID, { algorithm: 'ecdsa-sha256', prefixList: 'xs' }), covered: 'assertion' },
    } as const;
    const signed: Record<string, string> = {};

    beforeAll(async () => {
      for (const [name, c] of Object.entries(CASES)) signed[name] = await xmlsec1Sign(withTemplate(buildResponse(spec), c.id, c.tmpl), c.key);
    }, 30_000);

    for (const [name, c] of Object.entries(CASES)) {
      it(`${name}: verifies; tampered copies are refused`, async () => {
        const verifier = createVerifier({ idp: { entityId: IDP, certificates: [loadKeyPair(c.key).certificatePem] }, audience: SP, recipient: ACS });
        const r = await verifier.verify(signed[name]!);
        expect(r.subject.nameId).toBe('alice@example.com');
        expect(r.attributes['groups']).toEqual(['engineering', 'admins']);
        expect(r.signature.covered).toBe(c.covered);
        await expectTamperedRefused(signed[name]!, (xml) => verifier.verify(xml));
      });
    }

    // The other direction: what samlguard signs (SignedInfo written in canonical form, never re-parsed)
    // must verify in an independent implementation, and an edited copy must not.
    for (const keyName of ['rsa2048-next', 'ec-p256'] as const) {
      it(`verifies the HTTP-POST AuthnRequest samlguard signs with ${keyName}; an edited copy fails`, async () => {
        const key = loadKeyPair(keyName);
        const sp = createServiceProvider({
          entityId: SP,
          acsUrl: ACS,
          idp: { entityId: IDP, certificates: [loadKeyPair('rsa2048').certificatePem], ssoUrl: 'https://idp.xmlsec1.samlguard.test/sso', ssoBinding: 'post' },
          signing: { privateKey: key.privateKeyPem, certificate: key.certificatePem },
        });
        const r = await sp.authnRequest({ binding: 'post' });
        const xml = Buffer.from(r.form!.fields['SAMLRequest']!, 'base64').toString();
        const good = await xmlsec1Verify(xml, key.certificatePem);
        expect(good.ok, good.detail).toBe(true);
        expect((await xmlsec1Verify(xml.replace(ACS, 'https://evil.example/acs'), key.certificatePem)).ok).toBe(false);
      });
    }

    it(`fuzz: ${FUZZ_PER_GENERATOR} mutations of its responses give the signed identity or a SamlGuardError`, async () => {
      await expectFuzzClean(
        Object.entries(CASES).map(([name, c]) => {
          const verifier = createVerifier({ idp: { entityId: IDP, certificates: [loadKeyPair(c.key).certificatePem] }, audience: SP, recipient: ACS });
          return { name: `xmlsec1/${name}`, xml: signed[name]!, verify: (xml: string) => verifier.verify(xml) };
        }),
      );
    }, 60_000);
  });
}
