// verifyLogoutRequest rule by rule, on both bindings: the raw query as received (parameters, encoding,
// SigAlg, Signature, which keys are tried), the POST form, and every check of the LogoutRequest itself.
import { sign as cryptoSign } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { TEST_IDP } from '../../fixtures/saml.js';
import { signXml } from '../../fixtures/signer.js';
import { importTrustedKeys } from '../../src/index.js';
import { verifyLogoutRequest, type LogoutMessage, type LogoutPolicy } from '../../src/sp/logout.js';
import { codeOf } from '../helpers/outcome.js';

const IDP = loadKeyPair('rsa2048');
const OTHER = loadKeyPair('rsa3072');
const EC = loadKeyPair('ec-p256');
const OUR_SLO = 'https://sp.samlguard.test/slo';
const NOW = Date.parse('2026-03-01T10:00:00.000Z');
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
const policy = (extra: Partial<LogoutPolicy> = {}): LogoutPolicy => ({ entityId: TEST_IDP, keys: importTrustedKeys([IDP.certificatePem]), sloUrl: OUR_SLO, now: NOW, skewMs: 60_000, dsig: {}, limits: undefined, ...extra });

function request(o: { attrs?: string; issuer?: string; body?: string; root?: string } = {}): string {
  const root = o.root ?? 'samlp:LogoutRequest';
  return (
    `<${root} xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ${o.attrs ?? `ID="_lr1" Version="2.0" IssueInstant="2026-03-01T09:59:50Z" Destination="${OUR_SLO}"`}>` +
    (o.issuer ?? `<saml:Issuer>${TEST_IDP}</saml:Issuer>`) +
    (o.body ?? '<saml:NameID Format="urn:x:fmt">alice@example.com</saml:NameID><samlp:SessionIndex>_s1</samlp:SessionIndex>') +
    `</${root}>`
  );
}

/** A raw query as an IdP sends it, signed over exactly these octets (unless `signature` is given). */
function signedQuery(xml: string, o: { relay?: string; sigAlg?: string; key?: typeof IDP.privateKey; hash?: string; signature?: string; prefix?: string; extra?: string } = {}): string {
  let q = `SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(xml)).toString('base64'))}`;
  if (o.relay !== undefined) q += `&RelayState=${o.relay}`;
  q += `&SigAlg=${encodeURIComponent(o.sigAlg ?? RSA_SHA256)}`;
  const sig = o.signature ?? encodeURIComponent(cryptoSign(o.hash ?? 'sha256', Buffer.from(q), o.key ?? IDP.privateKey).toString('base64'));
  return (o.prefix ?? '') + q + `&Signature=${sig}` + (o.extra ?? '');
}

const redirect = (rawQuery: string, p = policy()): string => codeOf(() => verifyLogoutRequest({ binding: 'redirect', rawQuery }, p));
const post = (form: Record<string, unknown>, p = policy()): string => codeOf(() => verifyLogoutRequest({ binding: 'post', form } as LogoutMessage, p));
const signedPost = (xml = request()) => Buffer.from(signXml(xml, { id: '_lr1', key: IDP.privateKey, certificate: IDP.certificatePem, placement: 'after-issuer' })).toString('base64');

describe('HTTP-Redirect: the query as received', () => {
  it('a signed request verifies; a leading "?", empty parts and valueless parameters are tolerated', () => {
    const r = verifyLogoutRequest({ binding: 'redirect', rawQuery: signedQuery(request(), { prefix: '?', extra: '&&&Flag&&' }) }, policy());
    expect(r).toMatchObject({ id: '_lr1', issuer: TEST_IDP, nameId: 'alice@example.com', nameIdFormat: 'urn:x:fmt', sessionIndexes: ['_s1'] });
    expect(r.relayState).toBeUndefined();
    expect(Object.isFrozen(r)).toBe(true);
  });

  it('RelayState is decoded as a form value ("+" is a space) after the signature is checked over its raw octets', () => {
    const r = verifyLogoutRequest({ binding: 'redirect', rawQuery: signedQuery(request(), { relay: 'a+b%2Fc' }) }, policy());
    expect(r.relayState).toBe('a b/c');
    expect(redirect(signedQuery(request(), { relay: '%E0%A4%A' }))).toBe('INPUT_MALFORMED');
    // A bare "?" inside a value is legal in a query; only a leading one is the query's own.
    expect(verifyLogoutRequest({ binding: 'redirect', rawQuery: signedQuery(request(), { relay: '/a?b' }) }, policy()).relayState).toBe('/a?b');
  });

  it('a repeated parameter → INPUT_MALFORMED', () => {
    expect(redirect(signedQuery(request(), { extra: '&SigAlg=x' }))).toBe('INPUT_MALFORMED');
  });

  it('no SAMLRequest → INPUT_MALFORMED; no SigAlg, or no Signature → SIGNATURE_MISSING', () => {
    const q = signedQuery(request());
    expect(redirect(q.replace(/^SAMLRequest=[^&]*&/, ''))).toBe('INPUT_MALFORMED');
    expect(redirect(q.replace(/&SigAlg=[^&]*/, ''))).toBe('SIGNATURE_MISSING');
    expect(redirect(q.replace(/&Signature=[^&]*/, ''))).toBe('SIGNATURE_MISSING');
  });

  it('SigAlg: off the allow-list, or SHA-1 without allowSha1 → ALGORITHM_NOT_ALLOWED; SHA-1 with it verifies', () => {
    expect(redirect(signedQuery(request(), { sigAlg: 'http://www.w3.org/2000/09/xmldsig#hmac-sha1' }))).toBe('ALGORITHM_NOT_ALLOWED');
    const sha1 = signedQuery(request(), { sigAlg: RSA_SHA1, hash: 'sha1' });
    expect(redirect(sha1)).toBe('ALGORITHM_NOT_ALLOWED');
    expect(redirect(sha1, policy({ dsig: { allowSha1: true } }))).toBe('accepted');
  });

  it('a Signature that is not base64 → SIGNATURE_SHAPE_INVALID; a wrong one → SIGNATURE_INVALID', () => {
    expect(redirect(signedQuery(request(), { signature: 'not%20base64!' }))).toBe('SIGNATURE_SHAPE_INVALID');
    expect(redirect(signedQuery(request(), { key: OTHER.privateKey }))).toBe('SIGNATURE_INVALID');
  });

  it('only keys of the signature family are tried, and any one of them may verify', () => {
    expect(redirect(signedQuery(request()), policy({ keys: importTrustedKeys([EC.certificatePem]) }))).toBe('KEY_NOT_TRUSTED');
    expect(redirect(signedQuery(request()), policy({ keys: importTrustedKeys([OTHER.certificatePem, IDP.certificatePem]) }))).toBe('accepted');
    expect(redirect(signedQuery(request()), policy({ keys: importTrustedKeys([EC.certificatePem, IDP.certificatePem]) }))).toBe('accepted');
  });
});

describe('the RSA key-size floor applies to query signatures too', () => {
  const weak = loadKeyPair('rsa1024');
  const q = () => signedQuery(request(), { key: weak.privateKey });
  it('a 1024-bit IdP key → KEY_NOT_TRUSTED by default, accepted when minRsaKeyBits allows it', () => {
    expect(redirect(q(), policy({ keys: importTrustedKeys([weak.certificatePem]) }))).toBe('KEY_NOT_TRUSTED');
    expect(redirect(q(), policy({ keys: importTrustedKeys([weak.certificatePem]), dsig: { minRsaKeyBits: 1024 } }))).toBe('accepted');
    // A strong key beside the weak one is still used when it verifies; the weak one never is.
    expect(redirect(q(), policy({ keys: importTrustedKeys([weak.certificatePem, IDP.certificatePem]) }))).toBe('SIGNATURE_INVALID');
    expect(redirect(signedQuery(request()), policy({ keys: importTrustedKeys([IDP.certificatePem]), dsig: { minRsaKeyBits: 3072 } }))).toBe('KEY_NOT_TRUSTED');
  });
});

describe('HTTP-POST: the form', () => {
  it('an enveloped-signed request verifies; base64 may be wrapped in lines; RelayState "" or absent is none', () => {
    const b64 = signedPost();
    const wrapped = b64.replace(/(.{76})/g, '$1\r\n');
    const r = verifyLogoutRequest({ binding: 'post', form: { SAMLRequest: wrapped, RelayState: 'rs' } }, policy());
    expect(r.relayState).toBe('rs');
    expect(verifyLogoutRequest({ binding: 'post', form: { SAMLRequest: b64, RelayState: '' } }, policy()).relayState).toBeUndefined();
    expect(verifyLogoutRequest({ binding: 'post', form: { SAMLRequest: b64 } }, policy()).relayState).toBeUndefined();
    expect(verifyLogoutRequest({ binding: 'post', form: { SAMLRequest: b64, RelayState: 42 as never } }, policy()).relayState).toBeUndefined();
  });

  it('no SAMLRequest, an empty or non-string one, or one that is not base64 → INPUT_MALFORMED', () => {
    for (const form of [{}, { SAMLRequest: '' }, { SAMLRequest: 42 }, { SAMLRequest: 'not base64!' }]) expect(post(form), JSON.stringify(form)).toBe('INPUT_MALFORMED');
  });

  it('an unsigned request → SIGNATURE_MISSING', () => {
    expect(post({ SAMLRequest: Buffer.from(request()).toString('base64') })).toBe('SIGNATURE_MISSING');
  });
});

describe('the LogoutRequest itself', () => {
  const check = (xml: string, p = policy()) => redirect(signedQuery(xml), p);

  it.each<[string, string]>([
    ['a LogoutResponse', request({ root: 'samlp:LogoutResponse' })],
    ['a LogoutRequest in another namespace', request().replace('xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"', 'xmlns:samlp="urn:evil"')],
    ['Version 1.1', request({ attrs: 'ID="_lr1" Version="1.1" IssueInstant="2026-03-01T09:59:50Z"' })],
    ['no ID', request({ attrs: 'Version="2.0" IssueInstant="2026-03-01T09:59:50Z"' })],
    ['an empty ID', request({ attrs: 'ID="" Version="2.0" IssueInstant="2026-03-01T09:59:50Z"' })],
    ['no IssueInstant', request({ attrs: 'ID="_lr1" Version="2.0"' })],
  ])('%s → SAML_SHAPE_INVALID', (_name, xml) => {
    expect(check(xml)).toBe('SAML_SHAPE_INVALID');
  });

  it('Destination: another URL → DESTINATION_MISMATCH; absent, or no sloUrl configured → accepted', () => {
    const elsewhere = request({ attrs: 'ID="_lr1" Version="2.0" IssueInstant="2026-03-01T09:59:50Z" Destination="https://other.example/slo"' });
    expect(check(elsewhere)).toBe('DESTINATION_MISMATCH');
    expect(check(elsewhere, policy({ sloUrl: undefined }))).toBe('accepted');
    expect(check(request({ attrs: 'ID="_lr1" Version="2.0" IssueInstant="2026-03-01T09:59:50Z"' }))).toBe('accepted');
  });

  it('NotOnOrAfter in the past (beyond the skew) → EXPIRED', () => {
    expect(check(request({ attrs: 'ID="_lr1" Version="2.0" IssueInstant="2026-03-01T09:58:00Z" NotOnOrAfter="2026-03-01T09:58:59Z"' }))).toBe('EXPIRED');
    expect(check(request({ attrs: 'ID="_lr1" Version="2.0" IssueInstant="2026-03-01T09:58:00Z" NotOnOrAfter="2026-03-01T09:59:01Z"' }))).toBe('accepted');
  });

  it('Issuer: trimmed, exactly one, and the IdP', () => {
    expect(check(request({ issuer: `<saml:Issuer>\n  ${TEST_IDP}\n</saml:Issuer>` }))).toBe('accepted');
    expect(check(request({ issuer: `<saml:Issuer>${TEST_IDP}</saml:Issuer><saml:Issuer>${TEST_IDP}</saml:Issuer>` }))).toBe('ISSUER_MISMATCH');
    expect(check(request({ issuer: '' }))).toBe('ISSUER_MISMATCH');
    expect(check(request({ issuer: '<saml:Issuer>https://other-idp.example</saml:Issuer>' }))).toBe('ISSUER_MISMATCH');
  });

  it('NameID: exactly one, not blank', () => {
    expect(check(request({ body: '' }))).toBe('SUBJECT_INVALID');
    expect(check(request({ body: '<saml:NameID>a</saml:NameID><saml:NameID>b</saml:NameID>' }))).toBe('SUBJECT_INVALID');
    expect(check(request({ body: '<saml:NameID> \n </saml:NameID>' }))).toBe('SUBJECT_INVALID');
  });

  it('SessionIndexes are trimmed, blank ones dropped, foreign-namespace ones ignored', () => {
    const body = '<saml:NameID>alice</saml:NameID><samlp:SessionIndex> _s1 </samlp:SessionIndex><samlp:SessionIndex>  </samlp:SessionIndex><x:SessionIndex xmlns:x="urn:x">_x</x:SessionIndex><samlp:SessionIndex>_s2</samlp:SessionIndex>';
    const r = verifyLogoutRequest({ binding: 'redirect', rawQuery: signedQuery(request({ body })) }, policy());
    expect(r.sessionIndexes).toEqual(['_s1', '_s2']);
    expect(r.nameIdFormat).toBeUndefined();
  });
});
