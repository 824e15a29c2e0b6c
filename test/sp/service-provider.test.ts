// The SP side's rules, each with a test that fails if the rule is removed: request tracking, RelayState,
// the signatures on what we send, and our metadata.
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { idpMetadata } from '../../fixtures/metadata.js';
import { ISSUED_AT, signedResponse, TEST_ACS, TEST_IDP, TEST_SP } from '../../fixtures/saml.js';
import { createMemoryRequestStore, createServiceProvider, parseXml, SamlGuardError, verifySignedElement, type ServiceProviderOptions } from '../../src/index.js';

const SSO = 'https://idp.samlguard.test/sso';
const SIGNING = loadKeyPair('rsa2048-next');
let clockMs = ISSUED_AT - 10_000;
const base = (extra: Partial<ServiceProviderOptions> = {}): ServiceProviderOptions => ({
  entityId: TEST_SP,
  acsUrl: TEST_ACS,
  idp: { entityId: TEST_IDP, certificates: [loadKeyPair('rsa2048').certificatePem], ssoUrl: SSO },
  now: () => clockMs,
  ...extra,
});

async function rejects(p: Promise<unknown>, code: string): Promise<SamlGuardError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${code}`).toBeInstanceOf(SamlGuardError);
  expect((err as SamlGuardError).code, (err as Error).message).toBe(code);
  return err as SamlGuardError;
}

/** A response the fixture IdP signs for request `id` (or for none). */
const answer = (id: string | undefined, assertionId = `_a${Math.random().toString(16).slice(2)}`) => Buffer.from(signedResponse({ inResponseTo: id ?? null, assertionId }, { sign: 'both' })).toString('base64');

describe('authnRequest', () => {
  it('HTTP-Redirect: DEFLATE + base64 AuthnRequest to the IdP, with ID, Destination, ACS, Issuer; signed over the exact query octets', async () => {
    clockMs = ISSUED_AT - 10_000;
    const sp = createServiceProvider(base({ signing: { privateKey: SIGNING.privateKeyPem, certificate: SIGNING.certificatePem } }));
    const r = await sp.authnRequest({ relayState: '/app?tab=1' });
    expect(r.url!.startsWith(`${SSO}?SAMLRequest=`)).toBe(true);
    const query = r.url!.slice(SSO.length + 1);
    const [signed, signature] = query.split('&Signature=');
    expect(signed).toMatch(/^SAMLRequest=[^&]+&RelayState=%2Fapp%3Ftab%3D1&SigAlg=http%3A%2F%2Fwww\.w3\.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256$/);
    expect(cryptoVerify('sha256', Buffer.from(signed!), createPublicKey(SIGNING.certificatePem), Buffer.from(decodeURIComponent(signature!), 'base64'))).toBe(true);
    const xml = inflateRawSync(Buffer.from(decodeURIComponent(new URLSearchParams(query).get('SAMLRequest') ? query.split('&')[0]!.slice('SAMLRequest='.length) : ''), 'base64')).toString();
    const root = parseXml(xml).root;
    expect(root.localName).toBe('AuthnRequest');
    expect(root.getAttribute('ID')).toBe(r.id);
    expect(r.id).toMatch(/^_[A-Za-z0-9_]+$/); // an NCName
    expect(root.getAttribute('Destination')).toBe(SSO);
    expect(root.getAttribute('AssertionConsumerServiceURL')).toBe(TEST_ACS);
    expect(root.getAttribute('ProtocolBinding')).toBe('urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST');
    expect(root.getAttribute('IssueInstant')).toBe(new Date(Math.floor(clockMs / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
    expect(xml).toContain(`<saml:Issuer>${TEST_SP}</saml:Issuer>`);
    expect(r.expiresAt.getTime()).toBe(clockMs + 300_000);
  });

  it('HTTP-POST: the AuthnRequest carries an enveloped signature our own verifier accepts (and a tampered copy it refuses)', async () => {
    const sp = createServiceProvider(base({ signing: { privateKey: SIGNING.privateKeyPem, certificate: SIGNING.certificatePem }, idp: { entityId: TEST_IDP, certificates: [loadKeyPair('rsa2048').certificatePem], ssoUrl: SSO, ssoBinding: 'post' } }));
    const r = await sp.authnRequest({ binding: 'post', forceAuthn: true });
    expect(r.form!.action).toBe(SSO);
    const xml = Buffer.from(r.form!.fields['SAMLRequest']!, 'base64').toString();
    expect(xml).toContain('ForceAuthn="true"');
    const parsed = parseXml(xml);
    expect(verifySignedElement(parsed.root, [SIGNING.certificatePem]).element).toBe(parsed.root);
    const tampered = parseXml(xml.replace(TEST_ACS, 'https://evil.example/acs'));
    expect(() => verifySignedElement(tampered.root, [SIGNING.certificatePem])).toThrow(expect.objectContaining({ code: 'DIGEST_MISMATCH' }));
  });

  it('ECDSA P-256 keys sign with ecdsa-sha256', async () => {
    const ec = loadKeyPair('ec-p256');
    const sp = createServiceProvider(base({ signing: { privateKey: ec.privateKeyPem, certificate: ec.certificatePem } }));
    expect((await sp.authnRequest()).url).toContain('SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23ecdsa-sha256');
  });

  it('the sign-on URL and binding come from the IdP metadata (HTTP-Redirect preferred)', async () => {
    const sp = createServiceProvider({ ...base(), idp: { metadata: idpMetadata() } });
    const r = await sp.authnRequest();
    expect(r.url).toBeDefined();
  });

  it('refuses signing keys that are too weak or do not match their certificate', () => {
    const weak = loadKeyPair('rsa1024');
    expect(() => createServiceProvider(base({ signing: { privateKey: weak.privateKeyPem, certificate: weak.certificatePem } }))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => createServiceProvider(base({ signing: { privateKey: SIGNING.privateKeyPem, certificate: loadKeyPair('rsa2048').certificatePem } }))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('RelayState (bindings §3.4.3, open redirects)', () => {
  const sp = createServiceProvider(base({ relayState: { allowedOrigins: ['https://app.example.com'] } }));
  it.each(['/dashboard', '/a/b?c=d#e', 'https://app.example.com/x', 'https://app.example.com'])('accepts %s', async (value) => {
    expect((await sp.authnRequest({ relayState: value })).relayState).toBe(value);
  });
  it.each([
    ['a scheme-relative URL', '//evil.example/'],
    ['a backslash path', '/\\evil.example'],
    ['a tab inside', '/\tx'],
    ['a newline inside', '/x\ny'],
    ['a foreign origin', 'https://evil.example/'],
    ['an allowed host on another scheme', 'http://app.example.com/'],
    ['an allowed host on another port', 'https://app.example.com:8443/'],
    ['userinfo in the URL', 'https://user@app.example.com/'],
    ['javascript:', 'javascript:alert(1)'],
    ['a bare word', 'dashboard'],
    ['81 bytes', '/' + 'a'.repeat(80)],
  ])('refuses %s', async (_what, value) => {
    await rejects(sp.authnRequest({ relayState: value }), 'RELAY_STATE_INVALID');
  });
  it('80 bytes exactly is accepted (UTF-8 bytes are counted, not characters)', async () => {
    await sp.authnRequest({ relayState: '/' + 'a'.repeat(79) });
    await rejects(sp.authnRequest({ relayState: '/' + 'é'.repeat(40) }), 'RELAY_STATE_INVALID');
  });
  it('is checked at the ACS too, before anything is consumed', async () => {
    await rejects(sp.acs({ SAMLResponse: answer(undefined), RelayState: 'https://evil.example/' }), 'RELAY_STATE_INVALID');
  });
  it('allowedOrigins entries must be origins', () => {
    for (const bad of ['https://app.example.com/path', 'app.example.com', 'ftp://x.example', 'https://u:p@x.example']) {
      expect(() => createServiceProvider(base({ relayState: { allowedOrigins: [bad] } }))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    }
  });
});

describe('acs: each response answers one outstanding request of ours, once', () => {
  it('a response to our request is accepted, with its RelayState; the identity is the signed one', async () => {
    clockMs = ISSUED_AT - 10_000;
    const sp = createServiceProvider(base());
    const { id } = await sp.authnRequest();
    clockMs = ISSUED_AT + 30_000;
    const r = await sp.acs({ SAMLResponse: answer(id), RelayState: '/back' });
    expect(r.identity.subject.nameId).toBe('alice@example.com');
    expect(r.identity.inResponseTo).toBe(id);
    expect(r.relayState).toBe('/back');
  });

  it('the request is consumed: another response to the same request → REQUEST_UNKNOWN; the same response → REPLAYED', async () => {
    clockMs = ISSUED_AT - 10_000;
    const sp = createServiceProvider(base());
    const { id } = await sp.authnRequest();
    clockMs = ISSUED_AT + 30_000;
    const first = answer(id, '_first');
    await sp.acs({ SAMLResponse: first });
    await rejects(sp.acs({ SAMLResponse: answer(id, '_second') }), 'REQUEST_UNKNOWN');
    await rejects(sp.acs({ SAMLResponse: first }), 'REPLAYED');
  });

  it('a request ID we never issued → REQUEST_UNKNOWN (also one shaped like ours)', async () => {
    const sp = createServiceProvider(base());
    clockMs = ISSUED_AT + 30_000;
    await rejects(sp.acs({ SAMLResponse: answer('_not-ours') }), 'REQUEST_UNKNOWN');
    await rejects(sp.acs({ SAMLResponse: answer(`_sg${(ISSUED_AT).toString(36)}_${'0'.repeat(32)}`) }), 'REQUEST_UNKNOWN');
  });

  it('a response after requestTtlSeconds → REQUEST_EXPIRED', async () => {
    clockMs = ISSUED_AT - 100_000;
    const sp = createServiceProvider(base({ requestTtlSeconds: 60 }));
    const { id } = await sp.authnRequest();
    clockMs = ISSUED_AT + 30_000; // 130 s later
    const err = await rejects(sp.acs({ SAMLResponse: answer(id) }), 'REQUEST_EXPIRED');
    expect(err.details).toMatchObject({ requestId: id });
  });

  it('an unsolicited response → UNSOLICITED_RESPONSE, accepted only with allowIdpInitiated', async () => {
    clockMs = ISSUED_AT + 30_000;
    await rejects(createServiceProvider(base()).acs({ SAMLResponse: answer(undefined) }), 'UNSOLICITED_RESPONSE');
    const r = await createServiceProvider(base({ allowIdpInitiated: true })).acs({ SAMLResponse: answer(undefined) });
    expect(r.identity.inResponseTo).toBeUndefined();
  });

  it('allowIdpInitiated never admits a response naming a request we do not have', async () => {
    clockMs = ISSUED_AT + 30_000;
    await rejects(createServiceProvider(base({ allowIdpInitiated: true })).acs({ SAMLResponse: answer('_forged') }), 'REQUEST_UNKNOWN');
  });

  it('the response must be for our entityId and ACS URL', async () => {
    clockMs = ISSUED_AT + 30_000;
    const sp = createServiceProvider(base({ allowIdpInitiated: true, entityId: 'https://other.example/sp' }));
    await rejects(sp.acs({ SAMLResponse: answer(undefined) }), 'AUDIENCE_MISMATCH');
  });

  it('a failing request store → REPLAY_STORE_UNAVAILABLE, at authnRequest and at the ACS', async () => {
    const broken = { put: async () => { throw new Error('down'); }, consume: async () => { throw new Error('down'); } };
    const sp = createServiceProvider(base({ requests: broken }));
    await rejects(sp.authnRequest(), 'REPLAY_STORE_UNAVAILABLE');
    clockMs = ISSUED_AT + 30_000;
    await rejects(sp.acs({ SAMLResponse: answer('_x') }), 'REPLAY_STORE_UNAVAILABLE');
  });

  it('a shared store makes the request answerable on another instance, once', async () => {
    const requests = createMemoryRequestStore();
    clockMs = ISSUED_AT - 10_000;
    const a = createServiceProvider(base({ requests }));
    const b = createServiceProvider(base({ requests }));
    const { id } = await a.authnRequest();
    clockMs = ISSUED_AT + 30_000;
    await b.acs({ SAMLResponse: answer(id) });
    await rejects(a.acs({ SAMLResponse: answer(id) }), 'REQUEST_UNKNOWN');
  });

  it('no SAMLResponse → INPUT_MALFORMED', async () => {
    await rejects(createServiceProvider(base()).acs({ SAMLResponse: '' }), 'INPUT_MALFORMED');
  });
});

describe('metadata', () => {
  it('describes us as the IdP must know us: entityID, ACS (HTTP-POST, byte-equal), keys by use, what we sign and want signed', () => {
    const enc = loadKeyPair('rsa3072');
    const sp = createServiceProvider(
      base({
        signing: { privateKey: SIGNING.privateKeyPem, certificate: SIGNING.certificatePem },
        decryptionKeys: [{ privateKey: enc.privateKeyPem, certificate: enc.certificatePem }],
        nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
        sloUrl: 'https://sp.samlguard.test/slo',
      }),
    );
    const xml = sp.metadata();
    const root = parseXml(xml).root;
    expect(root.getAttribute('entityID')).toBe(TEST_SP);
    expect(root.getAttribute('cacheDuration')).toBe('PT86400S');
    expect(xml).toContain('AuthnRequestsSigned="true"');
    expect(xml).toContain('WantAssertionsSigned="true"');
    expect(xml).toContain(`<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${TEST_ACS}" index="0" isDefault="true"/>`);
    expect(xml).toContain('<md:KeyDescriptor use="signing">');
    expect(xml).toContain('<md:KeyDescriptor use="encryption">');
    expect(xml).toContain(enc.certificate.raw.toString('base64'));
    expect(xml).toContain(SIGNING.certificate.raw.toString('base64'));
    expect(xml).toContain('<md:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/>');
    expect(xml).toContain('<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>');
    expect(xml).toContain('<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://sp.samlguard.test/slo"/>');
  });

  it('without a signing key, AuthnRequestsSigned is false and requests go unsigned', async () => {
    const sp = createServiceProvider(base());
    expect(sp.metadata()).toContain('AuthnRequestsSigned="false"');
    expect((await sp.authnRequest()).url).not.toContain('Signature=');
  });
});
