// The same decision tests through both doors: the API Gateway authorizer (HTTP API payload 2.0) and the
// Fetch request guard. One decision code, so one verdict and one code for every case.
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { signedResponse, VALID_NOW, ISSUED_AT } from '../../fixtures/saml.js';
import { createSamlAuthorizer, type AuthorizerDecision } from '../../src/adapters/apigateway/index.js';
import { createRequestGuard } from '../../src/adapters/fetch/index.js';
import { createMemoryRevocationStore, createTokenIssuer, createTokenVerifier, createVerifier, verifyAssertion } from '../../src/index.js';
import { opts } from '../saml/helpers.js';
import { httpApiEvent } from './apigateway/events.js';

const RULES = [
  { attribute: 'groups', equals: 'engineering', role: 'developer' },
  { attribute: 'groups', equals: 'admins', role: 'admin' },
];
const ROUTES = { developer: ['GET /orders/*'], admin: ['ANY /*'] };
const issuer = createTokenIssuer({ issuer: 'https://i', audience: 'api', keys: [{ kid: 'k', privateKey: loadKeyPair('ec-p256').privateKeyPem, alg: 'ES256' }], now: VALID_NOW });
const revocation = createMemoryRevocationStore();
const tokens = createTokenVerifier({ issuer: 'https://i', audience: 'api', jwks: issuer.jwks(), now: VALID_NOW, revocation });
const verifier = createVerifier(opts());

type Verdict = { status: 200 | 401 | 403; code?: string; roles?: string };
type Door = (req: { method: string; path: string; headers?: Record<string, string>; cookie?: string }, config?: { cookie?: string }) => Promise<Verdict>;

const apigateway: Door = async (req, config = {}) => {
  const decisions: AuthorizerDecision[] = [];
  const handler = createSamlAuthorizer({ verifier, tokens, roles: RULES, routes: ROUTES, now: VALID_NOW, onDecision: (d) => void decisions.push(d), ...(config.cookie ? { cookie: config.cookie } : {}) });
  const event = httpApiEvent(req.headers ?? {}, { routeArn: `arn:aws:execute-api:us-east-1:123456789012:abcdef123/prod/${req.method}${req.path}`, cookies: req.cookie ? [req.cookie] : [] });
  const d = () => decisions[0] as { effect: string; code?: string; roles?: readonly string[] };
  try {
    const r = (await handler(event)) as { isAuthorized: boolean };
    return r.isAuthorized ? { status: 200, roles: [...(d().roles ?? [])].join(',') } : { status: 403, code: d().code! };
  } catch (err) {
    expect((err as Error).message).toBe('Unauthorized');
    return { status: 401, code: d().code! };
  }
};

const fetchDoor: Door = async (req, config = {}) => {
  const decisions: AuthorizerDecision[] = [];
  const guard = createRequestGuard({ verifier, tokens, roles: RULES, routes: ROUTES, now: VALID_NOW, onDecision: (d) => void decisions.push(d), ...(config.cookie ? { cookie: config.cookie } : {}) });
  const headers = new Headers(req.headers ?? {});
  if (req.cookie) headers.set('cookie', req.cookie);
  const r = await guard(new Request(`https://api.example.com${req.path}`, { method: req.method, headers }));
  if (r.allowed) return { status: 200, roles: r.roles.join(',') };
  const body = (await r.response.json()) as { error: string };
  expect(body.error).toBe((decisions[0] as { code?: string }).code);
  expect(r.response.headers.get('cache-control')).toBe('no-store');
  if (r.response.status === 401) expect(r.response.headers.get('www-authenticate')).toMatch(/realm="samlguard"/);
  return { status: r.response.status as 401 | 403, code: body.error };
};

const saml = (groups: string[] = ['engineering'], spec: Record<string, unknown> = {}) => `SAML ${Buffer.from(signedResponse({ attributes: { groups }, ...spec })).toString('base64')}`;
const token = async (roles: string[]) => (await issuer.issue(await verifyAssertion(signedResponse(), opts()), { roles })).token;

describe.each([
  ['API Gateway authorizer', apigateway],
  ['Fetch request guard', fetchDoor],
])('%s: the shared decisions', (_name, door) => {
  it('a valid SAML credential with a role for the route → allowed with its roles', async () => {
    expect(await door({ method: 'GET', path: '/orders/42', headers: { authorization: saml() } })).toEqual({ status: 200, roles: 'developer' });
  });
  it('a route none of the roles permits → 403 ROUTE_NOT_PERMITTED; an admin may', async () => {
    expect(await door({ method: 'DELETE', path: '/orders/42', headers: { authorization: saml() } })).toEqual({ status: 403, code: 'ROUTE_NOT_PERMITTED' });
    expect(await door({ method: 'DELETE', path: '/orders/42', headers: { authorization: saml(['admins']) } })).toEqual({ status: 200, roles: 'admin' });
  });
  it('no role → 403 NO_ROLE; Entra groups overage → 403 GROUPS_OVERAGE', async () => {
    expect(await door({ method: 'GET', path: '/orders/1', headers: { authorization: saml(['sales']) } })).toEqual({ status: 403, code: 'NO_ROLE' });
    const overage = `SAML ${Buffer.from(signedResponse({ attributes: { 'http://schemas.microsoft.com/claims/groups.link': ['https://graph.microsoft.com/x'] } })).toString('base64')}`;
    const mapper = await door({ method: 'GET', path: '/orders/1', headers: { authorization: overage } });
    expect(mapper.status).toBe(403);
  });
  it('tampered → 401 DIGEST_MISMATCH; expired → 401 EXPIRED', async () => {
    const tampered = `SAML ${Buffer.from(signedResponse({ attributes: { groups: ['engineering'] } }).replace('alice@', 'mallory@')).toString('base64')}`;
    expect(await door({ method: 'GET', path: '/orders/1', headers: { authorization: tampered } })).toEqual({ status: 401, code: 'DIGEST_MISMATCH' });
    expect(await door({ method: 'GET', path: '/orders/1', headers: { authorization: saml(['engineering'], { issuedAt: ISSUED_AT - 3600_000 }) } })).toEqual({ status: 401, code: 'EXPIRED' });
  });
  it('no credential → 401 CREDENTIAL_MISSING; another scheme or two credentials → 401 CREDENTIAL_MALFORMED', async () => {
    expect(await door({ method: 'GET', path: '/orders/1' })).toEqual({ status: 401, code: 'CREDENTIAL_MISSING' });
    expect(await door({ method: 'GET', path: '/orders/1', headers: { authorization: 'Basic dXNlcjpwYXNz' } })).toEqual({ status: 401, code: 'CREDENTIAL_MALFORMED' });
    expect(await door({ method: 'GET', path: '/orders/1', headers: { authorization: `${saml()}, ${saml()}` } })).toEqual({ status: 401, code: 'CREDENTIAL_MALFORMED' });
  });
  it('a Bearer token → allowed with the roles it carries; revoked → 401 REVOKED', async () => {
    const t = await token(['developer']);
    expect(await door({ method: 'GET', path: '/orders/7', headers: { authorization: `Bearer ${t}` } })).toEqual({ status: 200, roles: 'developer' });
    const victim = await token(['admin']);
    await revocation.revoke({ jti: (await tokens.verify(victim)).id }, new Date(Date.now() + 60_000));
    expect(await door({ method: 'GET', path: '/orders/7', headers: { authorization: `Bearer ${victim}` } })).toEqual({ status: 401, code: 'REVOKED' });
  });
  it('the session cookie carries a token', async () => {
    const t = await token(['admin']);
    expect(await door({ method: 'POST', path: '/anything', cookie: `samlguard_session=${t}` }, { cookie: 'samlguard_session' })).toEqual({ status: 200, roles: 'admin' });
  });
});

describe('createRequestGuard configuration', () => {
  it('refuses what the authorizer refuses (CONFIG_INVALID)', () => {
    for (const bad of [{}, { verifier }, { tokens, scheme: 'Bearer' }, { tokens, routes: { x: ['GET orders'] } }, { tokens, header: 'a b' }, { tokens, nope: 1 }]) {
      expect(() => createRequestGuard(bad as never), JSON.stringify(Object.keys(bad))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    }
  });
});
