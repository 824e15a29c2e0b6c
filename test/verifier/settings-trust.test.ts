// The first step of a verifier (src/verifier/settings.ts, src/verifier/trust.ts): every option is read
// once, absent and null mean "not given", a wrong shape is CONFIG_INVALID (never a TypeError), opt-ins
// reach the step that reads them, and a metadata provider's trust follows what it has loaded.
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { idpMetadata } from '../../fixtures/metadata.js';
import { signXml } from '../../fixtures/signer.js';
import { TEST_IDP, VALID_NOW } from '../../fixtures/saml.js';
import { createVerifier, importTrustedKeys, parseIdpMetadata, SamlGuardError, type VerifyOptions } from '../../src/index.js';
import type { MetadataProvider } from '../../src/metadata/provider.js';
import { fakeProvider } from '../helpers/metadata-provider.js';
import { codeOf, codeOfAsync } from '../helpers/outcome.js';
import { edit, redigest, resign, signDoc } from '../dsig/helpers.js';
import { conditionsOf, opts, response } from '../saml/helpers.js';

const RSA = loadKeyPair('rsa2048');
const NEXT = loadKeyPair('rsa2048-next');
const cast = (o: unknown): VerifyOptions => o as VerifyOptions;
const build = (extra: Record<string, unknown>) => () => createVerifier(opts(extra as Partial<VerifyOptions>));
const verifies = async (extra: Record<string, unknown>, xml = response()) => codeOfAsync(Promise.resolve().then(() => createVerifier(opts(extra as Partial<VerifyOptions>)).verify(xml)));

describe('options: null is "not given"; a wrong shape is CONFIG_INVALID', () => {
  it.each([
    ['sp', null],
    ['sp', {}],
    ['sp', { decryptionKeys: null }],
    ['replay', null],
    ['replay', {}],
    ['replay', { mode: 'one-time-use' }],
    ['replay', { mode: 'every-assertion' }],
    ['cache', null],
  ])('%s: %j verifies', async (name, value) => {
    expect(await verifies({ [name]: value })).toBe('accepted');
  });

  it.each([
    ['sp', 'keys'],
    ['replay', 'one-time-use'],
    ['replay', { mode: 'never' }],
    ['replay', { store: null }],
    ['replay', { store: {} }],
    ['requestIds', {}],
    ['requestIds', { consume: 'yes' }],
    ['idp', null],
    ['clockSkewSeconds', 3601],
  ])('%s: %j → CONFIG_INVALID', (name, value) => {
    expect(codeOf(build({ [name]: value }))).toBe('CONFIG_INVALID');
  });

  it('clockSkewSeconds may be as much as an hour', () => {
    expect(codeOf(build({ clockSkewSeconds: 3600 }))).toBe('accepted');
  });

  it('replay.mode every-assertion refuses a second use of any assertion; one-time-use only of OneTimeUse ones', async () => {
    const xml = response();
    const every = createVerifier(opts({ replay: { mode: 'every-assertion' } }));
    await every.verify(xml);
    expect(await codeOfAsync(every.verify(xml))).toBe('REPLAYED');
    const once = createVerifier(opts({ replay: {} }));
    await once.verify(xml);
    expect(await codeOfAsync(once.verify(xml))).toBe('accepted');
  });

  it('decryption keys follow the RSA floor: a 1024-bit key needs minRsaKeyBits 1024', () => {
    const weak = { sp: { decryptionKeys: [loadKeyPair('rsa1024').privateKeyPem] } };
    expect(codeOf(build(weak))).toBe('CONFIG_INVALID');
    expect(codeOf(build({ ...weak, minRsaKeyBits: 1024 }))).toBe('accepted');
    expect(codeOf(build({ ...weak, allowSha1: true }))).toBe('accepted');
  });
});

describe('allowEmptyReferenceUri reaches the signature check', () => {
  // The Assertion's signature uses URI="" and digests the whole document: refused by default.
  const wholeDocument = edit(signDoc(), (p) => {
    p.reference.setAttribute('URI', '');
    redigest(p, p.target.ownerDocument!.documentElement!);
    resign(p);
  });

  it('refused by default (REFERENCE_INVALID), verified with the opt-in', async () => {
    expect(await verifies({}, wholeDocument)).toBe('REFERENCE_INVALID');
    expect(await verifies({ allowEmptyReferenceUri: true }, wholeDocument)).toBe('accepted');
  });
});

describe('the result', () => {
  it('attribute details are frozen, down to their values', async () => {
    const r = await createVerifier(opts()).verify(response());
    expect(r.attributeDetails.length).toBeGreaterThan(0);
    for (const a of r.attributeDetails) {
      expect(Object.isFrozen(a)).toBe(true);
      expect(Object.isFrozen(a.values)).toBe(true);
    }
  });

  it('an assertion without NotBefore or NotOnOrAfter has no such members', async () => {
    const cases = [
      ['NotBefore', 'notBefore', 'notOnOrAfter'],
      ['NotOnOrAfter', 'notOnOrAfter', 'notBefore'],
    ] as const;
    for (const [attribute, absent, present] of cases) {
      const r = await createVerifier(opts()).verify(response({}, { edit: (doc) => conditionsOf(doc).removeAttribute(attribute) }));
      expect(absent in r, attribute).toBe(false);
      expect(r[present], attribute).toBeInstanceOf(Date);
    }
  });
});

describe('static trust', () => {
  it('null certificates or pins with metadata mean "not given"', () => {
    expect(codeOf(build({ idp: { metadata: idpMetadata(), certificates: null } }))).toBe('accepted');
    expect(codeOf(build({ idp: { metadata: idpMetadata(), metadataSigningCertificates: null } }))).toBe('accepted');
  });

  it('idp.metadata of a wrong type is refused as such', () => {
    for (const metadata of [42, {}, true]) {
      const err = (() => {
        try {
          createVerifier(opts({ idp: { metadata } as never }));
        } catch (e) {
          return e as SamlGuardError;
        }
      })();
      expect(err).toBeInstanceOf(SamlGuardError);
      expect(err!.code).toBe('CONFIG_INVALID');
      expect(err!.message).toContain('string or bytes');
    }
  });

  it('allowSha1 reaches the metadata signature check: SHA-1-signed pinned metadata needs it', () => {
    const next = loadKeyPair('rsa2048-next');
    const metadata = signXml(idpMetadata({ id: '_md1' }), { id: '_md1', key: next.privateKey, certificate: next.certificatePem, placement: 'first-child', signatureAlgorithm: 'rsa-sha1', digestAlgorithm: 'sha1' });
    const idp = { metadata, metadataSigningCertificates: [next.certificatePem] };
    expect(codeOf(build({ idp }))).toBe('CONFIG_INVALID');
    expect(codeOf(build({ idp, allowSha1: true }))).toBe('accepted');
  });

  it('metadata signing pins without metadata → CONFIG_INVALID (pins that pin nothing are a mistake)', () => {
    expect(codeOf(build({ idp: { entityId: TEST_IDP, certificates: [RSA.certificatePem], metadataSigningCertificates: [NEXT.certificatePem] } }))).toBe('CONFIG_INVALID');
  });

  it('static metadata stops being trusted at validUntil exactly', async () => {
    const until = VALID_NOW.getTime() + 1000;
    const metadata = idpMetadata({ validUntil: new Date(until).toISOString() });
    const at = (ms: number) => verifies({ idp: { metadata }, now: new Date(ms) });
    expect(await at(until - 1)).toBe('accepted');
    expect(await at(until)).toBe('METADATA_EXPIRED');
  });

  it('refresh and hydrate are promises even without a provider', async () => {
    const v = createVerifier(opts());
    const r = v.refresh();
    const h = v.hydrate();
    expect(r).toBeInstanceOf(Promise);
    expect(h).toBeInstanceOf(Promise);
    await Promise.all([r, h]);
  });
});

describe('trust from a metadata provider', () => {
  const withProvider = (p: MetadataProvider, idp: Record<string, unknown> = {}) => createVerifier(opts({ idp: { metadata: p, ...idp } as never }));

  it('nothing loaded: configured entityId and certificates stand in; otherwise METADATA_UNAVAILABLE', async () => {
    const { provider } = fakeProvider();
    expect(await codeOfAsync(withProvider(provider, { entityId: TEST_IDP, certificates: [RSA.certificatePem] }).verify(response()))).toBe('accepted');
    expect(await codeOfAsync(withProvider(provider, { entityId: TEST_IDP }).verify(response()))).toBe('METADATA_UNAVAILABLE');
    expect(await codeOfAsync(withProvider(provider, { certificates: [RSA.certificatePem] }).verify(response()))).toBe('METADATA_UNAVAILABLE');
    expect(await codeOfAsync(withProvider(provider).verify(response()))).toBe('METADATA_UNAVAILABLE');
  });

  it('loaded: its keys and configured certificates are both trusted; the result names the loaded entity', async () => {
    const { provider } = fakeProvider({ xml: idpMetadata({ signing: ['rsa2048'] }) });
    const v = withProvider(provider, { certificates: [NEXT.certificatePem] });
    expect(await codeOfAsync(v.verify(response()))).toBe('accepted');
    expect(await codeOfAsync(v.verify(response({}, { keyName: 'rsa2048-next' })))).toBe('accepted');
    expect(await codeOfAsync(v.verify(response({}, { keyName: 'rsa3072' })))).toBe('KEY_NOT_TRUSTED');
    expect(v.keys).toHaveLength(2);
    expect(v.entityId).toBe(TEST_IDP);
  });

  it('before loading, keys are the configured certificates and entityId the configured one (or none)', async () => {
    const { provider, load } = fakeProvider();
    const v = withProvider(provider, { certificates: [NEXT.certificatePem] });
    expect(v.keys).toHaveLength(1);
    expect(v.entityId).toBeUndefined();
    expect(withProvider(provider, { entityId: 'https://configured.example' }).entityId).toBe('https://configured.example');
    load(idpMetadata({ signing: ['rsa2048', 'rsa3072'] }));
    expect(v.keys).toHaveLength(3);
    expect(v.entityId).toBe(TEST_IDP);
  });

  it('a configured entityId the loaded metadata does not describe → METADATA_INVALID', async () => {
    const { provider } = fakeProvider({ xml: idpMetadata() });
    expect(await codeOfAsync(withProvider(provider, { entityId: 'https://other-idp.example' }).verify(response()))).toBe('METADATA_INVALID');
    expect(await codeOfAsync(withProvider(provider, { entityId: TEST_IDP }).verify(response()))).toBe('accepted');
  });

  it('loaded metadata stops being trusted at its validUntil exactly, unless the provider allows expired metadata', async () => {
    const until = VALID_NOW.getTime() + 1000;
    const { provider } = fakeProvider({ xml: idpMetadata(), validUntil: until });
    const at = (ms: number) => codeOfAsync(withProvider(provider).verify(response(), { now: new Date(ms) }));
    expect(await at(until - 1)).toBe('accepted');
    expect(await at(until)).toBe('METADATA_EXPIRED');
    const lenient = fakeProvider({ xml: idpMetadata(), validUntil: until, allowExpired: true }).provider;
    expect(await codeOfAsync(withProvider(lenient).verify(response(), { now: new Date(until + 5000) }))).toBe('accepted');
  });

  it('refresh forces a fetch; hydrate hands over the bundled copy', async () => {
    const { provider, calls } = fakeProvider();
    const v = withProvider(provider);
    await v.refresh();
    const xml = idpMetadata();
    await v.hydrate(xml);
    expect(calls).toEqual([
      ['refresh', { force: true }],
      ['hydrate', xml],
    ]);
    expect(await codeOfAsync(v.verify(response()))).toBe('accepted');
  });
});
