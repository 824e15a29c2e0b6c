// The RFC 7522 token endpoint: request and response shapes of RFC 6749 §5.1/§5.2, every error, single use.
import { jwtVerify, createLocalJWKSet } from 'jose';
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../../fixtures/index.js';
import { buildAssertion, signedResponse, TEST_IDP, VALID_NOW } from '../../../fixtures/saml.js';
import { signXml } from '../../../fixtures/signer.js';
import { createTokenHandler, SAML2_BEARER_GRANT } from '../../../src/adapters/apigateway/index.js';
import { createTokenIssuer, createVerifier } from '../../../src/index.js';

const TOKEN_URL = 'https://api.samlguard.test/oauth2/token';
const ISS = 'https://api.samlguard.test';
const key = loadKeyPair('rsa2048');
const issuer = createTokenIssuer({ issuer: ISS, audience: 'api', keys: [{ kid: 'k', privateKey: loadKeyPair('ec-p256').privateKeyPem, alg: 'ES256' }], now: VALID_NOW });
// RFC 7522 §3: Audience and Recipient name the token endpoint.
const verifier = createVerifier({ idp: { entityId: TEST_IDP, certificates: [key.certificatePem] }, audience: TOKEN_URL, recipient: TOKEN_URL, now: VALID_NOW });
const handler = () => createTokenHandler({ verifier, tokenIssuer: issuer, roles: [{ attribute: 'http://schemas.xmlsoap.org/claims/Group', equals: 'admins', role: 'admin' }] });

/** A bare signed Assertion, base64url without padding (RFC 7522 §2.1). */
function assertion(id = `_a${Math.random().toString(16).slice(2)}`, spec: Record<string, unknown> = {}): string {
  const xml = signXml(buildAssertion({ assertionId: id, audience: TOKEN_URL, recipient: TOKEN_URL, ...spec }), { id, key: key.privateKey, certificate: key.certificatePem });
  return Buffer.from(xml).toString('base64url');
}

function event(body: string, init: { method?: string; contentType?: string; base64?: boolean } = {}) {
  return {
    version: '2.0',
    rawPath: '/oauth2/token',
    rawQueryString: '',
    headers: { 'content-type': init.contentType ?? 'application/x-www-form-urlencoded' },
    requestContext: { http: { method: init.method ?? 'POST', path: '/oauth2/token' } },
    body: init.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: init.base64 === true,
  };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const grant = (a: string) => form({ grant_type: SAML2_BEARER_GRANT, assertion: a });

async function call(body: string, init?: Parameters<typeof event>[1]) {
  const r = await handler()(event(body, init));
  return { ...r, json: JSON.parse(r.body) as Record<string, unknown> };
}

describe('POST /token, grant_type saml2-bearer', () => {
  it('200 with access_token, token_type Bearer, expires_in; Cache-Control no-store and Pragma no-cache; the token verifies with jose', async () => {
    const r = await call(grant(assertion()), { base64: true });
    expect(r.statusCode).toBe(200);
    expect(r.headers).toMatchObject({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    expect(Object.keys(r.json).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    expect(r.json.token_type).toBe('Bearer');
    expect(typeof r.json.expires_in).toBe('number');
    const { payload } = await jwtVerify(r.json.access_token as string, createLocalJWKSet(issuer.jwks() as never), { issuer: ISS, audience: 'api', currentDate: VALID_NOW });
    expect(payload).toMatchObject({ sub: 'alice@example.com', roles: ['admin'] });
  });

  it('also accepts a whole Response in standard base64 (as an ACS receives it)', async () => {
    const xml = Buffer.from(signedResponse({ audience: TOKEN_URL, recipient: TOKEN_URL, destination: TOKEN_URL, assertionId: '_resp-1' })).toString('base64');
    expect((await call(grant(xml))).statusCode).toBe(200);
  });

  it('the same assertion twice → invalid_grant (REPLAYED): single use', async () => {
    const h = handler();
    const a = assertion('_once');
    expect((await h(event(grant(a)))).statusCode).toBe(200);
    const again = await h(event(grant(a)));
    expect(again.statusCode).toBe(400);
    expect(JSON.parse(again.body)).toEqual({ error: 'invalid_grant', error_description: expect.stringMatching(/^REPLAYED: /) });
  });

  it.each([
    ['a Web SSO assertion (Recipient is the ACS, Audience the SP): RFC 7522 §3 refuses it', () => grant(assertion(undefined, { audience: 'https://sp.samlguard.test/metadata', recipient: TOKEN_URL })), /^AUDIENCE_MISMATCH: /],
    ['an assertion for another Recipient', () => grant(assertion(undefined, { recipient: 'https://sp.samlguard.test/acs' })), /^RECIPIENT_MISMATCH: /],
    ['a tampered assertion', () => grant(Buffer.from(Buffer.from(assertion(), 'base64url').toString().replace('alice@', 'mallory@')).toString('base64url')), /^DIGEST_MISMATCH: /],
    ['an unsigned assertion', () => grant(Buffer.from(buildAssertion({ audience: TOKEN_URL, recipient: TOKEN_URL })).toString('base64url')), /^SIGNATURE_MISSING: /],
    ['an assertion that is not base64url', () => grant('not base64!'), /^INPUT_MALFORMED: /],
    ['an assertion without a role', () => grant(assertion(undefined, { attributes: { 'http://schemas.xmlsoap.org/claims/Group': ['nobody'] } })), /^NO_ROLE: /],
  ])('%s → 400 invalid_grant with the samlguard code', async (_what, body, description) => {
    const r = await call(body());
    expect(r.statusCode).toBe(400);
    expect(r.json.error).toBe('invalid_grant');
    expect(r.json.error_description).toMatch(description);
    expect(r.json.error_description as string).toMatch(/^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/);
  });

  it.each([
    ['no grant_type', form({ assertion: 'x' }), 'invalid_request'],
    ['an empty grant_type', form({ grant_type: '', assertion: 'x' }), 'invalid_request'],
    ['another grant_type', form({ grant_type: 'client_credentials' }), 'unsupported_grant_type'],
    ['no assertion', form({ grant_type: SAML2_BEARER_GRANT }), 'invalid_request'],
    ['a repeated parameter', `grant_type=${encodeURIComponent(SAML2_BEARER_GRANT)}&assertion=a&assertion=b`, 'invalid_request'],
  ])('%s → 400 %s', async (_what, body, error) => {
    const r = await call(body);
    expect(r.statusCode).toBe(400);
    expect(r.json.error).toBe(error);
    expect(r.headers['Cache-Control']).toBe('no-store');
  });

  it('GET → 405 invalid_request with Allow: POST; a JSON body → 400 invalid_request; an oversized body → 413', async () => {
    const get = await call('', { method: 'GET' });
    expect(get.statusCode).toBe(405);
    expect(get.headers['Allow']).toBe('POST');
    expect(get.json.error).toBe('invalid_request');
    expect((await call('{}', { contentType: 'application/json' })).json.error).toBe('invalid_request');
    const big = await call('a'.repeat(200 * 1024));
    expect(big.statusCode).toBe(413);
    expect(big.json.error_description).toMatch(/^BODY_TOO_LARGE/);
  });
});
