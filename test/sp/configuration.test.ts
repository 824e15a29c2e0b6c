// createServiceProvider option by option (CONFIG_INVALID naming the option; null means "not given"), what
// the options put into the AuthnRequest and our metadata, where the request goes, the request store's
// two interfaces and its failures, and the exact end of requestTtlSeconds.
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { idpMetadata } from '../../fixtures/metadata.js';
import { ISSUED_AT, signedResponse, TEST_ACS, TEST_IDP, TEST_SP } from '../../fixtures/saml.js';
import { createServiceProvider, parseXml, SamlGuardError, type ServiceProviderOptions } from '../../src/index.js';
import { fakeProvider } from '../helpers/metadata-provider.js';
import { codeOf, codeOfAsync } from '../helpers/outcome.js';

const SSO = 'https://idp.samlguard.test/sso';
const IDP_CERT = loadKeyPair('rsa2048').certificatePem;
const ENC = loadKeyPair('rsa3072');
let clockMs = ISSUED_AT - 10_000;
const base = (extra: Record<string, unknown> = {}): ServiceProviderOptions =>
  ({ entityId: TEST_SP, acsUrl: TEST_ACS, idp: { entityId: TEST_IDP, certificates: [IDP_CERT], ssoUrl: SSO }, now: () => clockMs, ...extra }) as ServiceProviderOptions;
const build = (extra: Record<string, unknown>) => () => createServiceProvider(base(extra));
const answer = (id: string | undefined) => Buffer.from(signedResponse({ inResponseTo: id ?? null, assertionId: `_a${Math.random().toString(16).slice(2)}` }, { sign: 'both' })).toString('base64');

/** The AuthnRequest XML of an HTTP-Redirect URL. */
function requestXml(url: string): string {
  const param = new URL(url).searchParams.get('SAMLRequest')!;
  return inflateRawSync(Buffer.from(param, 'base64')).toString('utf8');
}

/** IdP metadata whose sign-on services use these bindings, each at /sso/<binding>. */
const metadataXml = (bindings: string[]): string => idpMetadata({ sso: bindings.map((binding) => ({ binding, location: `https://idp.samlguard.test/sso/${binding}` })) });

describe('options', () => {
  it.each<[string, Record<string, unknown> | null]>([
    ['options null', null],
    ['an empty entityId', { entityId: '' }],
    ['a relative acsUrl', { acsUrl: '/acs' }],
    ['an ftp acsUrl', { acsUrl: 'ftp://sp.example/acs' }],
    ['a javascript: acsUrl', { acsUrl: 'javascript:alert(1)' }],
    ['a relative sloUrl', { sloUrl: 'slo' }],
    ['idp null', { idp: null }],
    ['idp a string', { idp: 'https://idp.example' }],
    ['a relative idp.sloUrl', { idp: { entityId: TEST_IDP, certificates: [IDP_CERT], ssoUrl: SSO, sloUrl: '/slo' } }],
    ['a relative idp.ssoUrl', { idp: { entityId: TEST_IDP, certificates: [IDP_CERT], ssoUrl: '/sso' } }],
    ['an unknown idp.ssoBinding', { idp: { entityId: TEST_IDP, certificates: [IDP_CERT], ssoUrl: SSO, ssoBinding: 'artifact' } }],
    ['no sign-on URL and no metadata', { idp: { entityId: TEST_IDP, certificates: [IDP_CERT] } }],
    ['metadata naming no Redirect or POST sign-on service', { idp: { metadata: metadataXml(['SOAP']) } }],
    ['a revocation store without isRevoked', { revocation: { revoke: async () => undefined } }],
    ['a revocation store without revoke', { revocation: { isRevoked: async () => false } }],
    ['a negative revocationTtlSeconds', { revocationTtlSeconds: -1 }],
    ['a negative verifier.clockSkewSeconds', { verifier: { clockSkewSeconds: -1 } }],
    ['requestTtlSeconds 0', { requestTtlSeconds: 0 }],
    ['an empty nameIdFormat', { nameIdFormat: '' }],
    ['an empty authnContextClassRef list', { authnContextClassRef: [] }],
    ['a blank authnContextClassRef', { authnContextClassRef: '  ' }],
    ['a non-string authnContextClassRef', { authnContextClassRef: [42] }],
    ['a list with one blank authnContextClassRef', { authnContextClassRef: ['urn:x:a', ''] }],
    ['a request store without consume', { requests: { put: async () => undefined } }],
    ['a request store with neither put nor issue', { requests: { consume: async () => true } }],
    ['a negative metadataCacheSeconds', { metadataCacheSeconds: -1 }],
    ['a null decryption key', { decryptionKeys: [null] }],
    ['a decryption key with a null certificate', { decryptionKeys: [{ privateKey: ENC.privateKeyPem, certificate: null }] }],
    ['idp.metadata null and no ssoUrl', { idp: { entityId: TEST_IDP, certificates: [IDP_CERT], metadata: null } }],
  ])('%s → CONFIG_INVALID', (_name, extra) => {
    expect(codeOf(extra === null ? () => createServiceProvider(null as never) : build(extra))).toBe('CONFIG_INVALID');
  });

  it('null options mean "not given"', () => {
    expect(codeOf(build({ sloUrl: null, authnContextClassRef: null, nameIdFormat: null, revocationTtlSeconds: null, requestTtlSeconds: null, signing: null, requests: null, idp: { entityId: TEST_IDP, certificates: [IDP_CERT], ssoUrl: SSO, sloUrl: null, ssoBinding: null } }))).toBe('accepted');
    expect(codeOf(build({ acsUrl: 'http://localhost:3000/acs' }))).toBe('accepted');
  });
});

describe('options reaching the parts that read them', () => {
  it('verifier options reach the verifier (requireSignedAssertion refuses a response signed only as a whole)', async () => {
    clockMs = ISSUED_AT + 30_000;
    const onlyResponse = Buffer.from(signedResponse({ inResponseTo: null }, { sign: 'response' })).toString('base64');
    expect(await codeOfAsync(createServiceProvider(base({ allowIdpInitiated: true })).acs({ SAMLResponse: onlyResponse }))).toBe('accepted');
    expect(await codeOfAsync(createServiceProvider(base({ allowIdpInitiated: true, verifier: { requireSignedAssertion: true } })).acs({ SAMLResponse: onlyResponse }))).toBe('SIGNATURE_MISSING');
  });

  it('replayStore is the store every accepted assertion is recorded in', async () => {
    const seen: string[] = [];
    const replayStore = { consume: async (key: string) => (seen.includes(key) ? false : (seen.push(key), true)) };
    clockMs = ISSUED_AT + 30_000;
    const sp = createServiceProvider(base({ allowIdpInitiated: true, replayStore }));
    const xml = answer(undefined);
    expect(await codeOfAsync(sp.acs({ SAMLResponse: xml }))).toBe('accepted');
    expect(seen).toHaveLength(1);
    expect(await codeOfAsync(sp.acs({ SAMLResponse: xml }))).toBe('REPLAYED');
  });

  it('decryptionKeys (bare, with a certificate, or passphrase-protected) decrypt an encrypted assertion at the ACS', async () => {
    const { encryptElement } = await import('../../fixtures/encrypt.js');
    clockMs = ISSUED_AT + 30_000;
    const encrypted = Buffer.from(encryptElement(signedResponse({ inResponseTo: null, assertionId: '_enc1' }), 'Assertion', { recipient: ENC.certificatePem })).toString('base64');
    const passphrase = { key: ENC.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string, passphrase: 'pw' };
    for (const key of [ENC.privateKeyPem, { privateKey: ENC.privateKeyPem, certificate: ENC.certificatePem }, passphrase]) {
      const sp = createServiceProvider(base({ allowIdpInitiated: true, decryptionKeys: [key] }));
      expect((await sp.acs({ SAMLResponse: encrypted })).identity.subject.nameId).toBe('alice@example.com');
    }
    expect(await codeOfAsync(createServiceProvider(base({ allowIdpInitiated: true })).acs({ SAMLResponse: encrypted }))).toBe('DECRYPTION_KEY_MISSING');
  });

  it('metadata naming several IdPs: idp.entityId picks one, for keys and for the sign-on URL', async () => {
    const { entitiesMetadata } = await import('../../fixtures/metadata.js');
    const md = entitiesMetadata([{ entityId: 'https://other-idp.example' }, {}]);
    const sp = createServiceProvider(base({ idp: { metadata: md, entityId: TEST_IDP } }));
    expect((await sp.authnRequest()).url).toMatch(/^https:\/\/idp\.samlguard\.test\/sso\?/);
  });

  it('sign-on endpoints: a configured ssoUrl wins over metadata (null means none); an explicit redirect binding is fine', async () => {
    const soapOnly = metadataXml(['SOAP']);
    expect(codeOf(build({ idp: { metadata: soapOnly, ssoUrl: SSO } }))).toBe('accepted');
    expect(codeOf(build({ idp: { metadata: metadataXml(['SOAP', 'HTTP-Redirect']) } }))).toBe('accepted');
    expect(codeOf(build({ idp: { metadata: metadataXml(['HTTP-Redirect']), ssoUrl: null } }))).toBe('accepted');
    const explicit = createServiceProvider(base({ idp: { entityId: TEST_IDP, certificates: [IDP_CERT], ssoUrl: SSO, ssoBinding: 'redirect' } }));
    expect((await explicit.authnRequest()).url).toMatch(/^https:\/\/idp\.samlguard\.test\/sso\?SAMLRequest=/);
    const fromMetadata = createServiceProvider(base({ idp: { metadata: metadataXml(['HTTP-POST']) } }));
    expect(await codeOfAsync(Promise.resolve().then(() => fromMetadata.authnRequest({ binding: 'artifact' as never })))).toBe('CONFIG_INVALID');
  });

  it('a request without RelayState carries no relayState member', async () => {
    const r = await createServiceProvider(base()).authnRequest();
    expect('relayState' in r).toBe(false);
    expect((await createServiceProvider(base()).authnRequest({ relayState: '/x' })).relayState).toBe('/x');
  });
});

describe('the AuthnRequest', () => {
  it('by default: NameIDPolicy AllowCreate only, no RequestedAuthnContext, no ForceAuthn', async () => {
    const xml = requestXml((await createServiceProvider(base()).authnRequest()).url!);
    expect(xml).toContain('<samlp:NameIDPolicy AllowCreate="true"/>');
    expect(xml).not.toContain('RequestedAuthnContext');
    expect(xml).not.toContain('ForceAuthn');
    expect(xml).not.toContain('IsPassive');
    // Nothing but elements around the Issuer's text: no stray text where an optional part is left out.
    expect(parseXml(xml).root.textContent).toBe(TEST_SP);
  });

  it('nameIdFormat, authnContextClassRef (one or several) and forceAuthn reach it, escaped', async () => {
    const fmt = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
    const one = requestXml((await createServiceProvider(base({ nameIdFormat: fmt, authnContextClassRef: 'urn:x:a&b', forceAuthn: true })).authnRequest()).url!);
    const root = parseXml(one).root;
    expect(root.getAttribute('ForceAuthn')).toBe('true');
    expect(one).toContain(`Format="${fmt}"`);
    expect(one).toContain('<samlp:RequestedAuthnContext Comparison="exact"><saml:AuthnContextClassRef>urn:x:a&amp;b</saml:AuthnContextClassRef></samlp:RequestedAuthnContext>');
    const two = requestXml((await createServiceProvider(base({ authnContextClassRef: ['urn:x:a', 'urn:x:b'] })).authnRequest()).url!);
    expect(two).toContain('<samlp:RequestedAuthnContext Comparison="exact"><saml:AuthnContextClassRef>urn:x:a</saml:AuthnContextClassRef><saml:AuthnContextClassRef>urn:x:b</saml:AuthnContextClassRef></samlp:RequestedAuthnContext>');
    // A per-call forceAuthn overrides the configured one.
    const off = requestXml((await createServiceProvider(base({ forceAuthn: true })).authnRequest({ forceAuthn: false })).url!);
    expect(off).not.toContain('ForceAuthn');
  });

  it('an unknown binding → CONFIG_INVALID; asking for the other binding than the configured ssoUrl → CONFIG_INVALID', async () => {
    const sp = createServiceProvider(base());
    expect(await codeOfAsync(Promise.resolve().then(() => sp.authnRequest({ binding: 'artifact' as never })))).toBe('CONFIG_INVALID');
    expect(await codeOfAsync(Promise.resolve().then(() => sp.authnRequest({ binding: 'post' })))).toBe('CONFIG_INVALID');
    expect((await sp.authnRequest({ binding: 'redirect' })).url).toMatch(/^https:\/\/idp\.samlguard\.test\/sso\?SAMLRequest=/);
  });

  it('from metadata: HTTP-Redirect preferred, HTTP-POST otherwise; a binding the IdP lacks → METADATA_INVALID', async () => {
    const postOnly = createServiceProvider(base({ idp: { metadata: metadataXml(['HTTP-POST']) } }));
    const r = await postOnly.authnRequest();
    expect(r.form?.action).toBe('https://idp.samlguard.test/sso/HTTP-POST');
    expect(await codeOfAsync(Promise.resolve().then(() => postOnly.authnRequest({ binding: 'redirect' })))).toBe('METADATA_INVALID');
    const both = createServiceProvider(base({ idp: { metadata: metadataXml(['HTTP-POST', 'HTTP-Redirect']) } }));
    expect((await both.authnRequest()).url).toMatch(/^https:\/\/idp\.samlguard\.test\/sso\/HTTP-Redirect\?/);
    expect((await both.authnRequest({ binding: 'post' })).form?.action).toBe('https://idp.samlguard.test/sso/HTTP-POST');
  });

  it('a metadata provider with nothing loaded yet → METADATA_UNAVAILABLE at authnRequest', async () => {
    const { provider } = fakeProvider();
    const sp = createServiceProvider(base({ idp: { entityId: TEST_IDP, certificates: [IDP_CERT], metadata: provider } }));
    expect(await codeOfAsync(Promise.resolve().then(() => sp.authnRequest()))).toBe('METADATA_UNAVAILABLE');
  });
});

describe('the request store', () => {
  it('the older RequestIdStore (issue/consume) still works; put is preferred when a store has both', async () => {
    const issued: string[] = [];
    const legacy = { issue: async (id: string) => void issued.push(id), consume: async (id: string) => issued.includes(id) };
    clockMs = ISSUED_AT - 10_000;
    const sp = createServiceProvider(base({ requests: legacy }));
    const { id } = await sp.authnRequest();
    expect(issued).toEqual([id]);
    clockMs = ISSUED_AT + 30_000;
    expect(await codeOfAsync(sp.acs({ SAMLResponse: answer(id) }))).toBe('accepted');

    const calls: string[] = [];
    const both = { put: async () => void calls.push('put'), issue: async () => void calls.push('issue'), consume: async () => true };
    clockMs = ISSUED_AT - 10_000;
    await createServiceProvider(base({ requests: both })).authnRequest();
    expect(calls).toEqual(['put']);
  });

  it("the store is told the request's remaining lifetime on the wall clock", async () => {
    let until = 0;
    const store = { put: async (_id: string, expiresAt: Date) => void (until = expiresAt.getTime()), consume: async () => true };
    await createServiceProvider(base({ requests: store, requestTtlSeconds: 120 })).authnRequest();
    expect(Math.abs(until - (Date.now() + 120_000))).toBeLessThan(1000);
  });

  it("a store's REPLAY_STORE_UNAVAILABLE passes through; any other failure, its own codes included, becomes REPLAY_STORE_UNAVAILABLE", async () => {
    for (const thrown of [new SamlGuardError('REPLAY_STORE_UNAVAILABLE', 'down'), new SamlGuardError('CONFIG_INVALID', 'odd'), new Error('down')]) {
      const store = { put: async () => { throw thrown; }, consume: async () => { throw thrown; } };
      const sp = createServiceProvider(base({ requests: store }));
      expect(await codeOfAsync(sp.authnRequest())).toBe('REPLAY_STORE_UNAVAILABLE');
    }
  });

  it('requestTtlSeconds ends exactly: refused at issue + TTL, accepted a millisecond before', async () => {
    clockMs = ISSUED_AT - 10_000;
    const sp = createServiceProvider(base({ requestTtlSeconds: 70, requests: { put: async () => undefined, consume: async () => true } }));
    const { id, expiresAt } = await sp.authnRequest();
    expect(expiresAt.getTime()).toBe(ISSUED_AT + 60_000);
    clockMs = ISSUED_AT + 60_000 - 1;
    expect(await codeOfAsync(sp.acs({ SAMLResponse: answer(id) }))).toBe('accepted');
    clockMs = ISSUED_AT + 60_000;
    expect(await codeOfAsync(sp.acs({ SAMLResponse: answer(id) }))).toBe('REQUEST_EXPIRED');
  });

  it('a request ID that merely contains one of our IDs is unknown, not expired', async () => {
    const old = `_sg${(ISSUED_AT - 3600_000).toString(36)}_${'0'.repeat(32)}`;
    clockMs = ISSUED_AT + 30_000;
    const sp = createServiceProvider(base({ requests: { put: async () => undefined, consume: async () => false } }));
    expect(await codeOfAsync(sp.acs({ SAMLResponse: answer(old) }))).toBe('REQUEST_EXPIRED');
    expect(await codeOfAsync(sp.acs({ SAMLResponse: answer(`x${old}`) }))).toBe('REQUEST_UNKNOWN');
    expect(await codeOfAsync(sp.acs({ SAMLResponse: answer(`${old}0`) }))).toBe('REQUEST_UNKNOWN');
  });

  it('the ACS needs a SAMLResponse string', async () => {
    const sp = createServiceProvider(base());
    for (const form of [null, {}, { SAMLResponse: '' }, { SAMLResponse: 42 }]) {
      expect(await codeOfAsync(Promise.resolve().then(() => sp.acs(form as never)))).toBe('INPUT_MALFORMED');
    }
  });
});

describe('our metadata', () => {
  it('lists encryption certificates with their methods, the SLO endpoint, the NameID format and the cache duration', () => {
    const sp = createServiceProvider(base({ sloUrl: 'https://sp.samlguard.test/slo', nameIdFormat: 'urn:x&y', metadataCacheSeconds: 3600, decryptionKeys: [{ privateKey: ENC.privateKeyPem, certificate: ENC.certificatePem }] }));
    const md = sp.metadata();
    const root = parseXml(md).root;
    expect(root.getAttribute('cacheDuration')).toBe('PT3600S');
    expect(md).toMatch(/<md:KeyDescriptor use="encryption">[\s\S]*<md:EncryptionMethod Algorithm="[^"]+"\/>/);
    expect(md).not.toMatch(/<md:KeyDescriptor use="signing">/);
    expect(md).toContain('<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://sp.samlguard.test/slo"/>');
    expect(md).toContain('<md:NameIDFormat>urn:x&amp;y</md:NameIDFormat>');
    expect(md.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    const bare = createServiceProvider(base()).metadata();
    expect(bare).not.toContain('SingleLogoutService');
    expect(bare).not.toContain('NameIDFormat');
    expect(bare).not.toContain('KeyDescriptor');
    // Text only in leaf elements: no stray text between elements, wherever a part is absent or repeated.
    const two = createServiceProvider(base({ decryptionKeys: [{ privateKey: ENC.privateKeyPem, certificate: ENC.certificatePem }, { privateKey: loadKeyPair('rsa2048-next').privateKeyPem, certificate: loadKeyPair('rsa2048-next').certificatePem }] })).metadata();
    expect(two.match(/<md:KeyDescriptor use="encryption">/g)).toHaveLength(2);
    type N = { nodeType: number; childNodes: ArrayLike<N>; data?: string };
    const textOnlyInLeaves = (n: N): void => {
      const kids = Array.from(n.childNodes ?? []);
      const hasElements = kids.some((k) => k.nodeType === 1);
      for (const k of kids) {
        if (k.nodeType === 3 && hasElements) expect(k.data!.trim()).toBe('');
        if (k.nodeType === 1) textOnlyInLeaves(k);
      }
    };
    const signing = createServiceProvider(base({ signing: { privateKey: loadKeyPair('rsa2048-next').privateKeyPem, certificate: loadKeyPair('rsa2048-next').certificatePem } })).metadata();
    for (const doc of [md, bare, two, signing]) textOnlyInLeaves(parseXml(doc).root as unknown as N);
    // A signing key carries no EncryptionMethod; an encryption key carries exactly the ones we decrypt.
    const signed = createServiceProvider(base({ signing: { privateKey: loadKeyPair('rsa2048-next').privateKeyPem, certificate: loadKeyPair('rsa2048-next').certificatePem } })).metadata();
    expect(signed).toMatch(/<md:KeyDescriptor use="signing">/);
    expect(signed).not.toContain('EncryptionMethod');
    expect(md.match(/<md:EncryptionMethod Algorithm="[^"]+"\/>/g)!.length).toBeGreaterThanOrEqual(2);
  });

  it('a decryption key given with its certificate also decrypts; a bare key adds no certificate to the metadata', () => {
    expect(codeOf(build({ decryptionKeys: [ENC.privateKeyPem] }))).toBe('accepted');
    expect(createServiceProvider(base({ decryptionKeys: [ENC.privateKeyPem] })).metadata()).not.toContain('KeyDescriptor');
    expect(codeOf(build({ decryptionKeys: [{ privateKey: ENC.privateKeyPem, certificate: 'not a certificate' }] }))).toBe('CONFIG_INVALID');
  });
});
