// The sign-in Lambda handler on REST payload 1.0 events (the e2e suite drives HTTP API 2.0): routes,
// cookies in multiValueHeaders, bounded bodies, and refusals that never echo the input.
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../../fixtures/index.js';
import { ISSUED_AT, signedResponse, TEST_ACS, TEST_IDP, TEST_SP } from '../../../fixtures/saml.js';
import { createAcsHandler } from '../../../src/adapters/apigateway/index.js';
import { createServiceProvider, createTokenIssuer } from '../../../src/index.js';

let clock = ISSUED_AT - 10_000;
const sp = createServiceProvider({ entityId: TEST_SP, acsUrl: TEST_ACS, idp: { entityId: TEST_IDP, certificates: [loadKeyPair('rsa2048').certificatePem], ssoUrl: 'https://idp.samlguard.test/sso' }, now: () => clock, relayState: { allowedOrigins: ['https://app.example.com'] } });
const tokens = createTokenIssuer({ issuer: 'https://api', audience: 'api', keys: [{ kid: 'k', privateKey: loadKeyPair('ec-p256').privateKeyPem, alg: 'ES256' }], now: () => clock });
const handler = createAcsHandler({ sp, tokens, roles: [{ attribute: 'groups', equals: 'engineering', role: 'developer' }], maxBodyBytes: 64 * 1024 });

const v1 = (method: string, path: string, extra: Record<string, unknown> = {}) => ({ httpMethod: method, path, headers: {}, multiValueHeaders: {}, queryStringParameters: null, multiValueQueryStringParameters: null, body: null, isBase64Encoded: false, requestContext: {}, ...extra });

describe('createAcsHandler on REST payload 1.0 events', () => {
  it('GET /saml/metadata and /.well-known/jwks.json', async () => {
    const md = await handler(v1('GET', '/saml/metadata'));
    expect(md.statusCode).toBe(200);
    expect(md.headers['Content-Type']).toBe('application/samlmetadata+xml');
    const jwks = await handler(v1('GET', '/.well-known/jwks.json'));
    expect(JSON.parse(jwks.body).keys[0]).toMatchObject({ kid: 'k', alg: 'ES256', use: 'sig' });
  });

  it('GET /saml/login → 303 to the IdP, not cacheable; a foreign RelayState → 400 RELAY_STATE_INVALID', async () => {
    const r = await handler(v1('GET', '/saml/login', { queryStringParameters: { RelayState: '/orders' }, multiValueQueryStringParameters: { RelayState: ['/orders'] } }));
    expect(r.statusCode).toBe(303);
    expect(r.headers['Location']).toMatch(/^https:\/\/idp\.samlguard\.test\/sso\?SAMLRequest=.+&RelayState=%2Forders$/);
    expect(r.headers['Cache-Control']).toBe('no-cache, no-store');
    const bad = await handler(v1('GET', '/saml/login', { multiValueQueryStringParameters: { RelayState: ['https://evil.example/'] }, headers: { Accept: 'application/json' } }));
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).error).toBe('RELAY_STATE_INVALID');
  });

  it('POST /saml/acs (base64 body) → 303 and the session cookie in multiValueHeaders', async () => {
    clock = ISSUED_AT - 10_000;
    const started = await handler(v1('GET', '/saml/login'));
    const id = decodeURIComponent(/SAMLRequest=([^&]+)/.exec(started.headers['Location']!)![1]!);
    const requestId = /ID="([^"]+)"/.exec((await import('node:zlib')).inflateRawSync(Buffer.from(id, 'base64')).toString())![1]!;
    clock = ISSUED_AT + 30_000;
    const form = new URLSearchParams({ SAMLResponse: Buffer.from(signedResponse({ inResponseTo: requestId, attributes: { groups: ['engineering'] } }, { sign: 'both' })).toString('base64'), RelayState: 'https://app.example.com/x' }).toString();
    const r = await handler(v1('POST', '/saml/acs', { body: Buffer.from(form).toString('base64'), isBase64Encoded: true, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }));
    expect(r.statusCode).toBe(303);
    expect(r.headers['Location']).toBe('https://app.example.com/x');
    expect(r.multiValueHeaders?.['Set-Cookie']?.[0]).toMatch(/^samlguard_session=[\w-]+\.[\w-]+\.[\w-]+; Max-Age=\d+; Path=\/; Secure; HttpOnly; SameSite=Lax$/);
  });

  it('refusals carry the code and fixed text, never the input; HTML escapes it for browsers', async () => {
    const evil = '<script>alert(1)</script>';
    const r = await handler(v1('POST', '/saml/acs', { body: `SAMLResponse=${encodeURIComponent(evil)}`, headers: { Accept: 'text/html' } }));
    expect(r.statusCode).toBe(401);
    expect(r.body).not.toContain('<script>');
    expect(r.body).toContain('SAML_SHAPE_INVALID');
    expect(r.headers['Content-Security-Policy']).toBe("default-src 'none'");
  });

  it('an oversized body → 413 BODY_TOO_LARGE before decoding; unknown routes → 404', async () => {
    const big = await handler(v1('POST', '/saml/acs', { body: 'A'.repeat(100 * 1024), isBase64Encoded: true, headers: { Accept: 'application/json' } }));
    expect(big.statusCode).toBe(413);
    expect(JSON.parse(big.body).error).toBe('BODY_TOO_LARGE');
    expect((await handler(v1('GET', '/nope'))).statusCode).toBe(404);
    expect((await handler(v1('GET', '/saml/acs'))).statusCode).toBe(404);
  });
});
