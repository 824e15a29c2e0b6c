/*
 * End to end against a real IdP (SimpleSAMLphp from Debian's apt, on 127.0.0.1): a browser with a cookie
 * jar signs in through the ACS Lambda handler (served by a local HTTP server as API Gateway would invoke
 * it), gets the session token cookie, and calls an API through the authorizer. The IdP's SP
 * configuration is the metadata our `sp.metadata()` produces, so this is also the metadata interop test,
 * and it validates our signed AuthnRequests. Single Logout from the IdP then revokes the session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { createAcsHandler, createSamlAuthorizer, type AuthorizerDecision } from '../../src/adapters/apigateway/index.js';
import { createMemoryRevocationStore, createServiceProvider, createTokenIssuer, createTokenVerifier, type ServiceProviderOptions } from '../../src/index.js';
import { httpApiEvent } from '../adapters/apigateway/events.js';
import { Browser, formsOf, type Page } from '../live-idp/browser.js';
import { programPresent } from '../live-idp/programs.js';
import { startSimpleSamlPhp, type SimpleSamlPhp } from '../live-idp/simplesamlphp.js';
import { startLambdaServer, type ProxyHandler } from './lambda-server.js';

const SP_SIGNING = loadKeyPair('rsa2048');
const SP_ENCRYPTION = loadKeyPair('rsa3072');
const TOKEN_KEY = loadKeyPair('ec-p256');
const ENTITY = 'https://api.samlguard.test/saml';
const ROLES = [
  { attribute: 'groups', equals: 'admins', role: 'admin' },
  { attribute: 'groups', equals: 'engineering', role: 'developer' },
];

if (programPresent('simplesamlphp', 'e2e sign-in with SimpleSAMLphp')) {
  describe('e2e sign-in: browser → SimpleSAMLphp → ACS (Lambda) → cookie → authorizer', () => {
    let ssp: SimpleSamlPhp;
    let server: { baseUrl: string; stop(): Promise<void> };
    let handler: ProxyHandler | undefined;
    let idpMetadata: string;
    const revocation = createMemoryRevocationStore();
    const issuer = createTokenIssuer({ issuer: 'https://api.samlguard.test', audience: 'https://api.samlguard.test/api', keys: [{ kid: 'e2e-1', privateKey: TOKEN_KEY.privateKeyPem, alg: 'ES256' }] });
    const tokens = createTokenVerifier({ issuer: 'https://api.samlguard.test', audience: 'https://api.samlguard.test/api', jwks: issuer.jwks(), revocation });
    const decisions: AuthorizerDecision[] = [];
    const authorizer = createSamlAuthorizer({ tokens, cookie: 'samlguard_session', routes: { admin: ['ANY /*'], developer: ['GET /orders/*'] }, onDecision: (d) => void decisions.push(d) });

    const spOptions = (extra: Partial<ServiceProviderOptions> = {}): ServiceProviderOptions => ({
      entityId: ENTITY,
      acsUrl: `${server.baseUrl}/saml/acs`,
      sloUrl: `${server.baseUrl}/saml/slo`,
      idp: idpMetadata === undefined ? { entityId: 'urn:placeholder', certificates: [SP_SIGNING.certificatePem], ssoUrl: 'https://placeholder.invalid/' } : { metadata: idpMetadata },
      signing: { privateKey: SP_SIGNING.privateKeyPem, certificate: SP_SIGNING.certificatePem },
      decryptionKeys: [{ privateKey: SP_ENCRYPTION.privateKeyPem, certificate: SP_ENCRYPTION.certificatePem }],
      relayState: { allowedOrigins: [server.baseUrl] },
      revocation,
      ...extra,
    });
    const acsHandler = (extra: Partial<ServiceProviderOptions> = {}) => createAcsHandler({ sp: createServiceProvider(spOptions(extra)), tokens: issuer, roles: ROLES, cookie: { secure: false } });

    beforeAll(async () => {
      server = await startLambdaServer((path) => (path.startsWith('/saml/') || path.startsWith('/.well-known/') ? handler : undefined));
      // Our metadata depends only on our own configuration: the IdP loads it as its SP configuration.
      const ourMetadata = createServiceProvider(spOptions()).metadata();
      ssp = await startSimpleSamlPhp({ spMetadataXml: [ourMetadata], idpHosted: { 'sign.logout': true } });
      idpMetadata = await (await fetch(ssp.metadataUrl)).text();
      handler = acsHandler();
    }, 30_000);
    afterAll(async () => {
      await ssp?.stop();
      await server?.stop();
    });

    /** Log in from /saml/login to the IdP's auto-submitting form (not yet posted to our ACS). */
    async function toIdpForm(browser: Browser, relayState = '/app/orders'): Promise<{ SAMLResponse: string; RelayState?: string; action: string }> {
      const start = await browser.follow(`${server.baseUrl}/saml/login?RelayState=${encodeURIComponent(relayState)}`, {}, () => false);
      const page = await ssp.login(browser, start, 'alice');
      const form = formsOf(page.body, page.url).find((f) => 'SAMLResponse' in f.fields);
      if (!form) throw new Error(`no SAMLResponse form from the IdP (HTTP ${page.status}):\n${page.body.slice(0, 1500)}\n${ssp.log().slice(-1500)}`);
      return { SAMLResponse: form.fields['SAMLResponse']!, action: form.action, ...(form.fields['RelayState'] !== undefined ? { RelayState: form.fields['RelayState'] } : {}) };
    }

    async function postAcs(browser: Browser, form: { SAMLResponse: string; RelayState?: string }, accept?: string): Promise<Page> {
      return browser.request(`${server.baseUrl}/saml/acs`, { method: 'POST', form: { SAMLResponse: form.SAMLResponse, ...(form.RelayState !== undefined ? { RelayState: form.RelayState } : {}) }, ...(accept ? { headers: { accept } } : {}) });
    }

    const callApi = (cookie: string | undefined, route = 'GET/orders/42') =>
      authorizer(httpApiEvent({}, { routeArn: `arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/${route}`, ...(cookie !== undefined ? { cookies: [`samlguard_session=${cookie}`] } : {}) }));

    it('our metadata, loaded by the IdP, and the IdP metadata, loaded by us, interoperate: the full flow yields a session cookie and an allowed API call', async () => {
      const browser = new Browser();
      const form = await toIdpForm(browser);
      expect(form.action).toBe(`${server.baseUrl}/saml/acs`);
      expect(form.RelayState).toBe('/app/orders');
      const acs = await postAcs(browser, form);
      expect(acs.status, acs.body).toBe(303);
      expect(acs.headers.get('location')).toBe('/app/orders');
      const setCookie = acs.headers.getSetCookie().find((c) => c.startsWith('samlguard_session='))!;
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Lax/);
      const token = browser.cookies(server.baseUrl).get('samlguard_session')!;
      expect(token.split('.')).toHaveLength(3);
      const allowed = await callApi(token);
      expect(allowed).toMatchObject({ isAuthorized: true, context: { roles: 'admin,developer', credential: 'Bearer' } });
      const last = decisions.at(-1)!;
      expect(last).toMatchObject({ effect: 'allow', credential: 'Bearer', roles: ['admin', 'developer'] });
    });

    it('the same Response posted twice is refused the second time', async () => {
      const browser = new Browser();
      const form = await toIdpForm(browser);
      expect((await postAcs(browser, form)).status).toBe(303);
      const again = await postAcs(new Browser(), form, 'application/json');
      expect(again.status).toBe(401);
      expect(JSON.parse(again.body)).toMatchObject({ error: 'REPLAYED' });
      expect(again.body).not.toContain(form.SAMLResponse.slice(0, 40));
    });

    it('a Response to a request that expired is refused with REQUEST_EXPIRED', async () => {
      handler = acsHandler({ requestTtlSeconds: 1 });
      try {
        const browser = new Browser();
        const form = await toIdpForm(browser);
        await new Promise((r) => setTimeout(r, 1100));
        const r = await postAcs(browser, form, 'application/json');
        expect(r.status).toBe(401);
        expect(JSON.parse(r.body).error).toBe('REQUEST_EXPIRED');
      } finally {
        handler = acsHandler();
      }
    });

    it('an IdP-initiated Response is refused unless allowIdpInitiated', async () => {
      const unsolicited = await ssp.idpInitiated(ENTITY, 'alice');
      const refused = await postAcs(new Browser(), unsolicited, 'application/json');
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.body).error).toBe('UNSOLICITED_RESPONSE');
      handler = acsHandler({ allowIdpInitiated: true });
      try {
        const again = await ssp.idpInitiated(ENTITY, 'alice');
        const ok = await postAcs(new Browser(), again, 'application/json');
        expect(ok.status, ok.body).toBe(200);
        expect(JSON.parse(ok.body)).toMatchObject({ token_type: 'Bearer' });
      } finally {
        handler = acsHandler();
      }
    });

    it('a RelayState to a foreign origin is refused at login and at the ACS', async () => {
      const browser = new Browser();
      const start = await browser.request(`${server.baseUrl}/saml/login?RelayState=${encodeURIComponent('https://evil.example/steal')}`, { headers: { accept: 'application/json' } });
      expect(start.status).toBe(400);
      expect(JSON.parse(start.body).error).toBe('RELAY_STATE_INVALID');
      const form = await toIdpForm(browser);
      const r = await postAcs(browser, { ...form, RelayState: '//evil.example/' }, 'application/json');
      expect(r.status).toBe(400);
      expect(JSON.parse(r.body).error).toBe('RELAY_STATE_INVALID');
    });

    it('the IdP checks our AuthnRequest signature: a tampered one gets no response', async () => {
      const browser = new Browser();
      const start = await browser.request(`${server.baseUrl}/saml/login`);
      const url = new URL(start.headers.get('location')!);
      const sig = url.searchParams.get('Signature')!;
      url.searchParams.set('Signature', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1));
      const page = await ssp.login(browser, await browser.follow(url.toString()), 'alice');
      expect(formsOf(page.body, page.url).some((f) => 'SAMLResponse' in f.fields)).toBe(false);
    });

    it('Single Logout from the IdP revokes the session: the next API call is refused', async () => {
      const browser = new Browser();
      const form = await toIdpForm(browser);
      expect((await postAcs(browser, form)).status).toBe(303);
      const token = browser.cookies(server.baseUrl).get('samlguard_session')!;
      await expect(callApi(token)).resolves.toMatchObject({ isAuthorized: true });
      // The IdP signs the user out of every SP: its signed LogoutRequest comes to our SLO endpoint.
      let page = await browser.follow(`${ssp.baseUrl}/simplesaml/saml2/idp/SingleLogoutService.php?ReturnTo=${encodeURIComponent(`${server.baseUrl}/signed-out`)}`, {}, (u) => u.startsWith(`${server.baseUrl}/signed-out`));
      // Follow our redirect back to the IdP with the LogoutResponse (and on to ReturnTo).
      for (let i = 0; i < 5 && page.status >= 300 && page.status < 400; i++) {
        const next = new URL(page.headers.get('location')!, page.url).toString();
        if (next.startsWith(`${server.baseUrl}/signed-out`)) break;
        page = await browser.follow(next, {}, (u) => u.startsWith(`${server.baseUrl}/signed-out`));
      }
      await expect(callApi(token)).rejects.toThrow('Unauthorized');
      expect(decisions.at(-1)).toMatchObject({ effect: 'unauthorized', code: 'REVOKED', credential: 'Bearer' });
    });

    it('serves our metadata and the JWK Set', async () => {
      const md = await fetch(`${server.baseUrl}/saml/metadata`);
      expect(md.headers.get('content-type')).toBe('application/samlmetadata+xml');
      expect(await md.text()).toContain(`entityID="${ENTITY}"`);
      const jwks = (await (await fetch(`${server.baseUrl}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string; alg: string; use: string }> };
      expect(jwks.keys).toEqual([expect.objectContaining({ kid: 'e2e-1', alg: 'ES256', use: 'sig', kty: 'EC' })]);
    });
  });
}
