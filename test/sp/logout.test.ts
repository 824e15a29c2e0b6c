// IdP-initiated Single Logout: only a LogoutRequest signed by the IdP revokes anything.
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { idpMetadata, type MetadataSpec } from '../../fixtures/metadata.js';
import { TEST_ACS, TEST_IDP, TEST_SP } from '../../fixtures/saml.js';
import { redirectUrl, postForm } from '../../src/sp/bindings.js';
import { createMemoryRevocationStore, createServiceProvider, SamlGuardError } from '../../src/index.js';
import { fakeProvider } from '../helpers/metadata-provider.js';

const IDP = loadKeyPair('rsa2048');
const SLO = 'https://idp.samlguard.test/slo';
const OUR_SLO = 'https://sp.samlguard.test/slo';
const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();

function logoutRequest(spec: { issuer?: string; nameId?: string | null; sessions?: string[]; destination?: string; notOnOrAfter?: number } = {}): string {
  return (
    `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_lr1" Version="2.0" IssueInstant="${iso(now)}" Destination="${spec.destination ?? OUR_SLO}"${spec.notOnOrAfter ? ` NotOnOrAfter="${iso(spec.notOnOrAfter)}"` : ''}>` +
    `<saml:Issuer>${spec.issuer ?? TEST_IDP}</saml:Issuer>` +
    (spec.nameId === null ? '' : `<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${spec.nameId ?? 'alice@example.com'}</saml:NameID>`) +
    (spec.sessions ?? ['_session-1']).map((s) => `<samlp:SessionIndex>${s}</samlp:SessionIndex>`).join('') +
    `</samlp:LogoutRequest>`
  );
}

const signer = { key: IDP.privateKey, family: 'rsa' as const, certificateB64: IDP.certificate.raw.toString('base64') };
const query = (xml: string, sign = true, relay?: string) => new URL(redirectUrl('https://sp.samlguard.test/slo', 'SAMLRequest', xml, relay, sign ? signer : undefined)).search.slice(1);

function sp() {
  const revocation = createMemoryRevocationStore();
  return { revocation, sp: createServiceProvider({ entityId: TEST_SP, acsUrl: TEST_ACS, sloUrl: OUR_SLO, idp: { entityId: TEST_IDP, certificates: [IDP.certificatePem], ssoUrl: 'https://idp.samlguard.test/sso', sloUrl: SLO }, revocation }) };
}

async function rejects(p: Promise<unknown>, code: string): Promise<void> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err, `expected ${code}`).toBeInstanceOf(SamlGuardError);
  expect((err as SamlGuardError).code, (err as Error).message).toBe(code);
}

describe('sp.logout', () => {
  it('HTTP-Redirect, signed over the query as received: revokes each SessionIndex and answers a LogoutResponse to the IdP', async () => {
    const { sp: s, revocation } = sp();
    const r = await s.logout({ binding: 'redirect', rawQuery: query(logoutRequest({ sessions: ['_s1', '_s2'] }), true, 'rs-1') });
    expect(r.request).toMatchObject({ id: '_lr1', nameId: 'alice@example.com', sessionIndexes: ['_s1', '_s2'], relayState: 'rs-1' });
    expect(r.revoked).toEqual([{ sid: '_s1' }, { sid: '_s2' }]);
    expect(await revocation.isRevoked({ sub: 'someone', sid: '_s2', jti: 'j', iat: Math.floor(now / 1000) - 5 })).toBe(true);
    expect(r.response.url!.startsWith(`${SLO}?SAMLResponse=`)).toBe(true);
    expect(r.response.url).toContain('RelayState=rs-1');
  });

  it('without a SessionIndex the whole user (sub) is signed out', async () => {
    const { sp: s } = sp();
    expect((await s.logout({ binding: 'redirect', rawQuery: query(logoutRequest({ sessions: [] })) })).revoked).toEqual([{ sub: 'alice@example.com' }]);
  });

  it('HTTP-POST with an enveloped signature is accepted; unsigned → SIGNATURE_MISSING', async () => {
    const { sp: s } = sp();
    const signed = postForm(SLO, 'SAMLRequest', logoutRequest(), undefined, signer);
    expect((await s.logout({ binding: 'post', form: { ...signed.fields } })).revoked).toEqual([{ sid: '_session-1' }]);
    const unsigned = postForm(SLO, 'SAMLRequest', logoutRequest(), undefined, undefined);
    await rejects(s.logout({ binding: 'post', form: { ...unsigned.fields } }), 'SIGNATURE_MISSING');
  });

  it('refusals: unsigned redirect, a tampered query, a foreign key, SHA-1, a repeated parameter, another issuer, another destination, expired, no NameID', async () => {
    const { sp: s, revocation } = sp();
    const L = (rawQuery: string) => s.logout({ binding: 'redirect', rawQuery });
    await rejects(L(query(logoutRequest(), false)), 'SIGNATURE_MISSING');
    const q = query(logoutRequest(), true, 'a');
    await rejects(L(q.replace('RelayState=a', 'RelayState=b')), 'SIGNATURE_INVALID');
    const attacker = { ...signer, key: loadKeyPair('attacker-rsa2048').privateKey };
    await rejects(L(new URL(redirectUrl('https://x/', 'SAMLRequest', logoutRequest(), undefined, attacker)).search.slice(1)), 'SIGNATURE_INVALID');
    await rejects(L(q.replace(/SigAlg=[^&]+/, `SigAlg=${encodeURIComponent('http://www.w3.org/2000/09/xmldsig#rsa-sha1')}`)), 'ALGORITHM_NOT_ALLOWED');
    await rejects(L(`${q}&RelayState=c`), 'INPUT_MALFORMED');
    await rejects(L(query(logoutRequest({ issuer: 'https://evil.example' }))), 'ISSUER_MISMATCH');
    await rejects(L(query(logoutRequest({ destination: 'https://other.example/slo' }))), 'DESTINATION_MISMATCH');
    await rejects(L(query(logoutRequest({ notOnOrAfter: now - 3600_000 }))), 'EXPIRED');
    await rejects(L(query(logoutRequest({ nameId: null }))), 'SUBJECT_INVALID');
    expect(await revocation.isRevoked({ sub: 'alice@example.com', sid: '_session-1', jti: 'j', iat: 0 })).toBe(false);
  });
});

describe('sp.logout: what is answered, and what is refused around the request', () => {
  it('the LogoutResponse answers the request: InResponseTo, Destination, our Issuer, Success', async () => {
    const { sp: s } = sp();
    const r = await s.logout({ binding: 'redirect', rawQuery: query(logoutRequest()) });
    const { inflateRawSync } = await import('node:zlib');
    const { parseXml } = await import('../../src/index.js');
    const xml = inflateRawSync(Buffer.from(new URL(r.response.url!).searchParams.get('SAMLResponse')!, 'base64')).toString();
    const root = parseXml(xml).root;
    expect(root.localName).toBe('LogoutResponse');
    expect(root.namespaceURI).toBe('urn:oasis:names:tc:SAML:2.0:protocol');
    expect(root.getAttribute('InResponseTo')).toBe('_lr1');
    expect(root.getAttribute('Destination')).toBe(SLO);
    expect(root.getAttribute('Version')).toBe('2.0');
    expect(xml).toContain(`<saml:Issuer>${TEST_SP}</saml:Issuer>`);
    expect(xml).toContain('<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>');
    // Over HTTP-POST the answer is a form to the same endpoint.
    const post = await s.logout({ binding: 'post', form: { ...postForm(SLO, 'SAMLRequest', logoutRequest(), undefined, signer).fields, RelayState: 'rs' } });
    expect(post.response.form?.action).toBe(SLO);
    expect(post.response.form?.fields['RelayState']).toBe('rs');
  });

  it('a POST RelayState that is not a string is no RelayState', async () => {
    const { sp: s } = sp();
    const r = await s.logout({ binding: 'post', form: { ...postForm(SLO, 'SAMLRequest', logoutRequest(), undefined, signer).fields, RelayState: 42 as never } });
    expect(r.request.relayState).toBeUndefined();
  });

  it('a message that is not { binding, … } → INPUT_MALFORMED; a failing revocation store → REVOCATION_STORE_UNAVAILABLE', async () => {
    const { sp: s } = sp();
    for (const m of [null, {}, { binding: 'artifact' }]) await rejects(s.logout(m as never), 'INPUT_MALFORMED');
    const broken = createServiceProvider({ entityId: TEST_SP, acsUrl: TEST_ACS, sloUrl: OUR_SLO, idp: { entityId: TEST_IDP, certificates: [IDP.certificatePem], ssoUrl: 'https://idp.samlguard.test/sso', sloUrl: SLO }, revocation: { revoke: async () => { throw new Error('down'); }, isRevoked: async () => false } });
    await rejects(broken.logout({ binding: 'redirect', rawQuery: query(logoutRequest()) }), 'REVOCATION_STORE_UNAVAILABLE');
  });

  it('each SessionIndex is revoked alone, until now + revocationTtlSeconds', async () => {
    const calls: Array<[unknown, number]> = [];
    const store = { revoke: async (t: unknown, until: Date) => void calls.push([t, until.getTime()]), isRevoked: async () => false };
    const s = createServiceProvider({ entityId: TEST_SP, acsUrl: TEST_ACS, sloUrl: OUR_SLO, idp: { entityId: TEST_IDP, certificates: [IDP.certificatePem], ssoUrl: 'https://idp.samlguard.test/sso', sloUrl: SLO }, revocation: store, revocationTtlSeconds: 600, now: now });
    await s.logout({ binding: 'redirect', rawQuery: query(logoutRequest({ sessions: ['_a', '_b'] })) });
    expect(calls).toEqual([
      [{ sid: '_a' }, now + 600_000],
      [{ sid: '_b' }, now + 600_000],
    ]);
    calls.length = 0;
    await s.logout({ binding: 'redirect', rawQuery: query(logoutRequest({ sessions: [] })) });
    expect(calls).toEqual([[{ sub: 'alice@example.com' }, now + 600_000]]);
  });

  it('the LogoutResponse goes to the metadata SingleLogoutService (its ResponseLocation first); none → METADATA_INVALID', async () => {
    const withMd = (slo: MetadataSpec['slo']) => createServiceProvider({ entityId: TEST_SP, acsUrl: TEST_ACS, sloUrl: OUR_SLO, idp: { metadata: idpMetadata({ slo }) } });
    const both = withMd([
      { binding: 'HTTP-POST', location: 'https://idp.samlguard.test/slo-post' },
      { binding: 'HTTP-Redirect', location: 'https://idp.samlguard.test/slo', responseLocation: 'https://idp.samlguard.test/slo-response' },
    ]);
    const r = await both.logout({ binding: 'redirect', rawQuery: query(logoutRequest()) });
    expect(r.response.url!.startsWith('https://idp.samlguard.test/slo-response?')).toBe(true);
    const postOnly = withMd([{ binding: 'HTTP-POST', location: 'https://idp.samlguard.test/slo-post' }]);
    expect((await postOnly.logout({ binding: 'redirect', rawQuery: query(logoutRequest()) })).response.url!.startsWith('https://idp.samlguard.test/slo-post?')).toBe(true);
    await rejects(withMd([]).logout({ binding: 'redirect', rawQuery: query(logoutRequest()) }), 'METADATA_INVALID');
  });
});

describe('sp.logout: the verifier options set the signature policy', () => {
  const weak = loadKeyPair('rsa1024');
  const weakSigner = { key: weak.privateKey, family: 'rsa' as const, certificateB64: weak.certificate.raw.toString('base64') };
  const weakQuery = () => new URL(redirectUrl('https://sp.samlguard.test/slo', 'SAMLRequest', logoutRequest(), undefined, weakSigner)).search.slice(1);
  const spWith = (verifier: Record<string, unknown>, cert = weak.certificatePem) =>
    createServiceProvider({ entityId: TEST_SP, acsUrl: TEST_ACS, sloUrl: OUR_SLO, idp: { entityId: TEST_IDP, certificates: [cert], ssoUrl: 'https://idp.samlguard.test/sso', sloUrl: SLO }, verifier });

  it('a 1024-bit IdP key: refused by default, accepted with allowSha1 (which lowers the floor) or minRsaKeyBits 1024', async () => {
    await rejects(spWith({}).logout({ binding: 'redirect', rawQuery: weakQuery() }), 'KEY_NOT_TRUSTED');
    await expect(spWith({ allowSha1: true }).logout({ binding: 'redirect', rawQuery: weakQuery() })).resolves.toBeDefined();
    await expect(spWith({ minRsaKeyBits: 1024 }).logout({ binding: 'redirect', rawQuery: weakQuery() })).resolves.toBeDefined();
    await rejects(spWith({ allowSha1: true, minRsaKeyBits: 2048 }).logout({ binding: 'redirect', rawQuery: weakQuery() }), 'KEY_NOT_TRUSTED');
  });

  it('SHA-1 query signatures only with allowSha1', async () => {
    const { sign } = await import('node:crypto');
    const { deflateRawSync } = await import('node:zlib');
    let q = `SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(logoutRequest())).toString('base64'))}&SigAlg=${encodeURIComponent('http://www.w3.org/2000/09/xmldsig#rsa-sha1')}`;
    q += `&Signature=${encodeURIComponent(sign('sha1', Buffer.from(q), IDP.privateKey).toString('base64'))}`;
    await rejects(spWith({}, IDP.certificatePem).logout({ binding: 'redirect', rawQuery: q }), 'ALGORITHM_NOT_ALLOWED');
    await expect(spWith({ allowSha1: true }, IDP.certificatePem).logout({ binding: 'redirect', rawQuery: q })).resolves.toBeDefined();
  });
});

describe('sp.logout: keys and endpoints', () => {
  it('an EC IdP key signs logout queries as well (the RSA floor does not apply to it)', async () => {
    const ec = loadKeyPair('ec-p256');
    const ecSigner = { key: ec.privateKey, family: 'ec' as const, certificateB64: ec.certificate.raw.toString('base64') };
    const s = createServiceProvider({ entityId: TEST_SP, acsUrl: TEST_ACS, sloUrl: OUR_SLO, idp: { entityId: TEST_IDP, certificates: [ec.certificatePem], ssoUrl: 'https://idp.samlguard.test/sso', sloUrl: SLO } });
    const q = new URL(redirectUrl('https://sp.samlguard.test/slo', 'SAMLRequest', logoutRequest(), undefined, ecSigner)).search.slice(1);
    await expect(s.logout({ binding: 'redirect', rawQuery: q })).resolves.toBeDefined();
  });

  it('no idp.sloUrl and no metadata → METADATA_INVALID (the answer has nowhere to go)', async () => {
    const s = createServiceProvider({ entityId: TEST_SP, acsUrl: TEST_ACS, sloUrl: OUR_SLO, idp: { entityId: TEST_IDP, certificates: [IDP.certificatePem], ssoUrl: 'https://idp.samlguard.test/sso' } });
    await rejects(s.logout({ binding: 'redirect', rawQuery: query(logoutRequest()) }), 'METADATA_INVALID');
  });

  it('a metadata SingleLogoutService on another binding (SOAP) is not used → METADATA_INVALID', async () => {
    const md = idpMetadata({ slo: [{ binding: 'SOAP', location: 'https://idp.samlguard.test/slo-soap' }] });
    const s = createServiceProvider({ entityId: TEST_SP, acsUrl: TEST_ACS, sloUrl: OUR_SLO, idp: { metadata: md } });
    await rejects(s.logout({ binding: 'redirect', rawQuery: query(logoutRequest()) }), 'METADATA_INVALID');
  });

  it('a metadata provider with nothing loaded → METADATA_UNAVAILABLE at logout', async () => {
    const { provider } = fakeProvider();
    const s = createServiceProvider({ entityId: TEST_SP, acsUrl: TEST_ACS, sloUrl: OUR_SLO, idp: { metadata: provider as never, ssoUrl: 'https://idp.samlguard.test/sso', sloUrl: SLO } });
    await rejects(s.logout({ binding: 'redirect', rawQuery: query(logoutRequest()) }), 'METADATA_UNAVAILABLE');
  });

  it('a metadata provider with nothing loaded, configured keys and no idp.sloUrl → METADATA_INVALID', async () => {
    const { provider } = fakeProvider();
    const s = createServiceProvider({ entityId: TEST_SP, acsUrl: TEST_ACS, sloUrl: OUR_SLO, idp: { metadata: provider as never, entityId: TEST_IDP, certificates: [IDP.certificatePem], ssoUrl: 'https://idp.samlguard.test/sso' } });
    await rejects(s.logout({ binding: 'redirect', rawQuery: query(logoutRequest()) }), 'METADATA_INVALID');
  });

  it('over HTTP-POST the LogoutResponse is the SAMLResponse field', async () => {
    const { sp: s } = sp();
    const r = await s.logout({ binding: 'post', form: { ...postForm(SLO, 'SAMLRequest', logoutRequest(), undefined, signer).fields } });
    expect(Object.keys(r.response.form!.fields)).toEqual(['SAMLResponse']);
    expect(Buffer.from(r.response.form!.fields['SAMLResponse']!, 'base64').toString()).toContain('LogoutResponse');
  });
});
