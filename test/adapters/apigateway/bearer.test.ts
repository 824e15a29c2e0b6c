// The authorizer accepts samlguard access tokens beside SAML: the same policy, context and decisions.
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../../fixtures/index.js';
import { signedResponse, VALID_NOW } from '../../../fixtures/saml.js';
import { createSamlAuthorizer, type AuthorizerDecision, type SamlAuthorizerOptions } from '../../../src/adapters/apigateway/index.js';
import { createMemoryRevocationStore, createTokenIssuer, createTokenVerifier, createVerifier, verifyAssertion } from '../../../src/index.js';
import { opts } from '../../saml/helpers.js';
import { API_PREFIX, httpApiEvent, requestEvent, tokenEvent } from './events.js';

const ISS = 'https://api.samlguard.test';
const AUD = 'https://api.samlguard.test/api';
const issuer = createTokenIssuer({ issuer: ISS, audience: AUD, keys: [{ kid: 'k1', privateKey: loadKeyPair('ec-p256').privateKeyPem, alg: 'ES256' }], now: VALID_NOW });
const revocation = createMemoryRevocationStore();
const tokens = createTokenVerifier({ issuer: ISS, audience: AUD, jwks: issuer.jwks(), now: VALID_NOW, revocation });
const RULES = [{ attribute: 'http://schemas.xmlsoap.org/claims/Group', equals: 'admins', role: 'admin' }];

async function token(roles: string[] = ['developer']): Promise<string> {
  return (await issuer.issue(await verifyAssertion(signedResponse(), opts()), { roles })).token;
}

function setup(extra: Partial<SamlAuthorizerOptions> = {}) {
  const decisions: AuthorizerDecision[] = [];
  const handler = createSamlAuthorizer({ tokens, now: VALID_NOW, onDecision: (d) => void decisions.push(d), ...extra });
  return { handler, decisions };
}

describe('Bearer tokens in the authorizer', () => {
  it('a valid token is allowed with the roles it carries; the context says Bearer', async () => {
    const { handler, decisions } = setup({ routes: { developer: ['GET /request'] } });
    const result = await handler(tokenEvent(`Bearer ${await token()}`));
    expect(result).toMatchObject({ principalId: 'alice@example.com', context: { roles: 'developer', credential: 'Bearer', issuer: 'https://idp.samlguard.test/metadata' } });
    expect(decisions[0]).toMatchObject({ effect: 'allow', credential: 'Bearer', roles: ['developer'], identity: { kind: 'bearer' } });
  });

  it('the routes policy applies to token roles as to SAML roles: another route → explicit Deny (ROUTE_NOT_PERMITTED)', async () => {
    const { handler, decisions } = setup({ routes: { developer: ['GET /orders/*'] } });
    const result = await handler(tokenEvent(`Bearer ${await token()}`, `${API_PREFIX}/test/DELETE/orders/1`));
    expect(JSON.stringify(result)).toContain('Deny');
    expect(decisions[0]).toMatchObject({ effect: 'deny', code: 'ROUTE_NOT_PERMITTED' });
  });

  it('a token without roles → Deny NO_ROLE', async () => {
    const { handler, decisions } = setup();
    await handler(tokenEvent(`Bearer ${await token([])}`));
    expect(decisions[0]).toMatchObject({ effect: 'deny', code: 'NO_ROLE' });
  });

  it('every token refusal is a 401 with its code: tampered, unknown scheme, revoked', async () => {
    const { handler, decisions } = setup();
    const t = await token();
    const [h, p, s] = t.split('.');
    await expect(handler(tokenEvent(`Bearer ${h}.${p}x.${s}`))).rejects.toThrow('Unauthorized');
    await expect(handler(tokenEvent(`Bearer not-a-jwt`))).rejects.toThrow('Unauthorized');
    await expect(handler(tokenEvent(`SAML ${Buffer.from(signedResponse()).toString('base64')}`))).rejects.toThrow('Unauthorized');
    const victim = await token();
    const v = await tokens.verify(victim);
    await revocation.revoke({ jti: v.id }, new Date(Date.now() + 60_000));
    await expect(handler(tokenEvent(`Bearer ${victim}`))).rejects.toThrow('Unauthorized');
    expect(decisions.map((d) => (d.effect === 'unauthorized' ? d.code : d.effect))).toEqual(['SIGNATURE_INVALID', 'CREDENTIAL_MALFORMED', 'CREDENTIAL_MALFORMED', 'REVOKED']);
  });

  it('with both verifier and tokens, SAML and Bearer are each accepted; a cookie carrying the token works (HTTP API)', async () => {
    const verifier = createVerifier(opts());
    const both = setup({ verifier, roles: RULES });
    await expect(both.handler(requestEvent({ Authorization: `SAML ${Buffer.from(signedResponse()).toString('base64')}` }))).resolves.toMatchObject({ context: { credential: 'SAML', roles: 'admin' } });
    await expect(both.handler(requestEvent({ Authorization: `Bearer ${await token()}` }))).resolves.toMatchObject({ context: { credential: 'Bearer', roles: 'developer' } });
    const cookie = setup({ cookie: 'samlguard_session' });
    await expect(cookie.handler(httpApiEvent({}, { cookies: [`samlguard_session=${await token()}`] }))).resolves.toMatchObject({ isAuthorized: true, context: { credential: 'Bearer' } });
  });

  it('configuration: tokens or verifier is required; roles only for SAML; the two schemes must differ', () => {
    expect(() => createSamlAuthorizer({ roles: RULES } as never)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => createSamlAuthorizer({ verifier: createVerifier(opts()) } as never)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => createSamlAuthorizer({ tokens, scheme: 'Bearer' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => createSamlAuthorizer({ tokens })).not.toThrow();
  });
});

describe('Bearer refusals through the authorizer, each with its code', () => {
  it('expired, wrong audience, unknown kid, alg none, HS256 keyed with the public key', async () => {
    const { createHmac } = await import('node:crypto');
    const { SignJWT } = await import('jose');
    const { handler, decisions } = setup();
    const t = await token();
    const late = createSamlAuthorizer({ tokens: createTokenVerifier({ issuer: ISS, audience: AUD, jwks: issuer.jwks(), now: new Date(VALID_NOW.getTime() + 3600_000) }), onDecision: (d) => void decisions.push(d) });
    const otherAud = createSamlAuthorizer({ tokens: createTokenVerifier({ issuer: ISS, audience: 'https://other/api', jwks: issuer.jwks(), now: VALID_NOW }), onDecision: (d) => void decisions.push(d) });
    const claims = { iss: ISS, aud: AUD, sub: 'eve', iat: Math.floor(VALID_NOW.getTime() / 1000), exp: Math.floor(VALID_NOW.getTime() / 1000) + 300, jti: 'j', idp: 'x', roles: ['admin'] };
    const unknownKid = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'nope', typ: 'at+jwt' }).sign(loadKeyPair('ec-p256').privateKey);
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${enc({ alg: 'none', kid: 'k1', typ: 'at+jwt' })}.${enc(claims)}.AA`;
    const h = enc({ alg: 'HS256', kid: 'k1', typ: 'at+jwt' });
    const hs = `${h}.${enc(claims)}.${createHmac('sha256', JSON.stringify(issuer.jwks().keys[0])).update(`${h}.${enc(claims)}`).digest('base64url')}`;
    for (const [h2, cred] of [[late, t], [otherAud, t], [handler, unknownKid], [handler, none], [handler, hs]] as const) {
      await expect(h2(tokenEvent(`Bearer ${cred}`))).rejects.toThrow('Unauthorized');
    }
    expect(decisions.map((d) => (d.effect === 'unauthorized' ? d.code : d.effect))).toEqual(['EXPIRED', 'AUDIENCE_MISMATCH', 'KEY_NOT_TRUSTED', 'ALGORITHM_NOT_ALLOWED', 'ALGORITHM_NOT_ALLOWED']);
  });
});
