// IdP-initiated Single Logout: only a LogoutRequest signed by the IdP revokes anything.
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { TEST_ACS, TEST_IDP, TEST_SP } from '../../fixtures/saml.js';
import { redirectUrl, postForm } from '../../src/sp/bindings.js';
import { createMemoryRevocationStore, createServiceProvider, SamlGuardError } from '../../src/index.js';

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
