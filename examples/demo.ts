/**
 * The built-in demo (`npm run demo`): the whole path an API request takes, locally, with built-in test
 * material. A demo IdP (metadata built from the rsa2048 fixture certificate) signs a SAML Response for a
 * user with groups; the API Gateway authorizer handler verifies it, maps groups to roles and answers a
 * REST API event and an HTTP API event; then tampered, expired and otherwise bad credentials are refused.
 * Exits non-zero if any outcome differs from what is printed as expected.
 */
import { idpMetadata } from '../fixtures/metadata.js';
import { loadKeyPair } from '../fixtures/index.js';
import { ISSUED_AT, signedResponse, TEST_ACS, TEST_IDP, TEST_SP, VALID_NOW } from '../fixtures/saml.js';
import { createAcsHandler, createSamlAuthorizer, createTokenHandler, SAML2_BEARER_GRANT, type AuthorizerDecision, type SamlAuthorizerEvent } from '../src/adapters/apigateway/index.js';
import { buildAssertion } from '../fixtures/saml.js';
import { signXml } from '../fixtures/signer.js';
import { auditLog, createServiceProvider, createTokenIssuer, createTokenVerifier, createVerifier, type RoleRule } from '../src/index.js';

const API = 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5';
let failures = 0;

function expectThat(ok: boolean, what: string): void {
  if (ok) return;
  failures++;
  console.log(`  ✘ UNEXPECTED: ${what} (this is a bug)`);
}

const indent = (text: string, by = '      '): string => text.replace(/^/gm, by);

// ---- The IdP and the verifier ----------------------------------------------------------------------

const metadata = idpMetadata(); // md:EntityDescriptor with the rsa2048 fixture certificate as signing key
const certificate = loadKeyPair('rsa2048').certificate;
console.log('1. Demo IdP');
console.log(`   entityID     ${TEST_IDP}`);
console.log(`   metadata     ${metadata.length} bytes, signing certificate ${certificate.subject.replace(/\n/g, ', ')}`);
console.log(`                SHA-256 ${certificate.fingerprint256.slice(0, 29)}…`);

// Outside the handler, as in a Lambda module: configuration checked and keys imported once.
const verifier = createVerifier({ idp: { metadata }, audience: TEST_SP, recipient: TEST_ACS });

const rules: RoleRule[] = [
  { attribute: 'groups', equals: 'engineering', role: 'developer' },
  { attribute: 'groups', glob: 'team-*', role: 'team-$1' },
];
const routes = { developer: ['GET /orders/*', 'POST /orders'], 'team-payments': ['ANY /payments/*'] };
const decisions: AuthorizerDecision[] = [];
// The audit line samlguard/telemetry writes for every decision (to stdout, i.e. CloudWatch Logs, in Lambda).
const audit = auditLog({ nameId: 'plain', write: (line) => console.log(`       audit ${line}`) });
const handler = createSamlAuthorizer({
  verifier,
  roles: rules,
  routes,
  now: VALID_NOW, // the fixtures are issued at a fixed instant; a real authorizer uses the system clock
  onDecision: (d) => {
    decisions.push(d);
    audit(d);
  },
});

console.log('\n2. Authorizer');
for (const r of rules) console.log(`   rule   ${JSON.stringify(r)}`);
for (const [role, list] of Object.entries(routes)) console.log(`   routes ${role}: ${list.join(', ')}`);

// ---- Alice signs in and calls the API ----------------------------------------------------------------

const aliceXml = signedResponse({ nameId: 'alice@example.com', attributes: { groups: ['engineering', 'team-payments'] } }, { sign: 'both' });
const alice = Buffer.from(aliceXml).toString('base64'); // what the IdP POSTs as SAMLResponse
console.log(`\n3. alice@example.com (groups engineering, team-payments) sends "Authorization: SAML <${alice.length} base64 chars>"`);

const restEvent: SamlAuthorizerEvent = { type: 'TOKEN', authorizationToken: `SAML ${alice}`, methodArn: `${API}/prod/GET/orders/42` };
const rest = await handler(restEvent);
console.log(`\n   REST API, TOKEN authorizer, GET /orders/42 →`);
console.log(indent(JSON.stringify(rest, null, 2)));
expectThat('policyDocument' in rest && rest.policyDocument.Statement.length === 1 && rest.policyDocument.Statement[0]!.Effect === 'Allow', 'the REST request is allowed');
expectThat(rest.context.roles === 'developer,team-payments' && 'principalId' in rest && rest.principalId === 'alice@example.com', 'roles and principal are alice\'s');

const httpEvent = {
  version: '2.0',
  type: 'REQUEST',
  routeArn: `${API}/prod/DELETE/payments/7`,
  identitySource: [`SAML ${alice}`],
  routeKey: 'DELETE /payments/{id}',
  rawPath: '/payments/7',
  rawQueryString: '',
  cookies: [],
  headers: { authorization: `SAML ${alice}`, host: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com' },
  requestContext: {
    accountId: '123456789012',
    apiId: 'a1b2c3d4e5',
    domainName: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
    domainPrefix: 'a1b2c3d4e5',
    http: { method: 'DELETE', path: '/payments/7', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'demo' },
    requestId: 'demo-request-1',
    routeKey: 'DELETE /payments/{id}',
    stage: 'prod',
    time: '15/Jan/2026:10:01:00 +0000',
    timeEpoch: VALID_NOW.getTime(),
  },
} satisfies SamlAuthorizerEvent;
const http = await handler(httpEvent);
console.log(`\n   HTTP API, payload 2.0 (simple response), DELETE /payments/7 →`);
console.log(indent(JSON.stringify(http, null, 2)));
expectThat('isAuthorized' in http && http.isAuthorized, 'the HTTP API request is allowed (team-payments: ANY /payments/*)');

// ---- What is refused ---------------------------------------------------------------------------------

console.log('\n4. Refused');
const tampered = Buffer.from(aliceXml.replace('>alice@example.com</saml:NameID>', '>admin@example.com</saml:NameID>')).toString('base64');
const expired = Buffer.from(signedResponse({ issuedAt: ISSUED_AT - 3600_000, attributes: { groups: ['engineering'] } }, { sign: 'both' })).toString('base64');
const forged = Buffer.from(signedResponse({ attributes: { groups: ['engineering'] } }, { sign: 'both', keyName: 'attacker-rsa2048' })).toString('base64');
const bob = Buffer.from(signedResponse({ nameId: 'bob@example.com', attributes: { groups: ['sales'] } }, { sign: 'both' })).toString('base64');

const cases: Array<{ name: string; token: string; route?: string; expect: { status: 401 | 403; code: string } }> = [
  { name: 'NameID changed after signing', token: `SAML ${tampered}`, expect: { status: 401, code: 'DIGEST_MISMATCH' } },
  { name: 'expired (issued an hour earlier)', token: `SAML ${expired}`, expect: { status: 401, code: 'EXPIRED' } },
  { name: 'signed by an impostor key', token: `SAML ${forged}`, expect: { status: 401, code: 'KEY_NOT_TRUSTED' } },
  { name: 'no credential', token: '', expect: { status: 401, code: 'CREDENTIAL_MISSING' } },
  { name: 'a Bearer token instead', token: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x', expect: { status: 401, code: 'CREDENTIAL_MALFORMED' } },
  { name: 'bob, valid but in no mapped group', token: `SAML ${bob}`, expect: { status: 403, code: 'NO_ROLE' } },
  { name: 'alice on a route her roles do not permit (DELETE /orders/42)', token: `SAML ${alice}`, route: 'DELETE/orders/42', expect: { status: 403, code: 'ROUTE_NOT_PERMITTED' } },
];
for (const c of cases) {
  decisions.length = 0;
  let status: number;
  let detail: string;
  try {
    const result = await handler({ type: 'TOKEN', authorizationToken: c.token, methodArn: `${API}/prod/${c.route ?? 'GET/orders/42'}` });
    const deny = 'policyDocument' in result ? result.policyDocument.Statement.find((s) => s.Effect === 'Deny') : undefined;
    status = deny === undefined ? 200 : 403;
    detail = deny === undefined ? 'allowed' : `explicit Deny for ${JSON.stringify((deny as { Resource: string[] }).Resource)}`;
  } catch (err) {
    status = (err as Error).message === 'Unauthorized' ? 401 : 500;
    detail = `throws Error(${JSON.stringify((err as Error).message)})`;
  }
  const d = decisions[0];
  const code = d && d.effect !== 'allow' && d.effect !== 'error' ? d.code : '(none)';
  const message = d && d.effect !== 'allow' ? d.message : '';
  console.log(`   ${status === c.expect.status && code === c.expect.code ? '✔' : '✘'} ${c.name}`);
  console.log(`       → ${status} ${code}: ${detail}`);
  if (message) console.log(`         ${message}`);
  expectThat(status === c.expect.status && code === c.expect.code, `${c.name}: expected ${c.expect.status} ${c.expect.code}, got ${status} ${code}`);
}

// ---- Comment injection -------------------------------------------------------------------------------

// The 2018 "Duo" bug class: the attacker registers alice@example.com.evil.com, gets a genuine signed
// response, and splits its NameID with a comment. Comments are not digested, so the signature still
// verifies — a reader that stops at the first text node would see alice@example.com.
console.log('\n5. Comment injection');
const genuine = signedResponse({ nameId: 'alice@example.com.evil.com', attributes: { groups: ['engineering'] } }, { sign: 'both' });
const injected = genuine.replace('>alice@example.com.evil.com<', '>alice@example.com<!---->.evil.com<');
const read = await verifier.verify(injected, { now: VALID_NOW });
const viaAuthorizer = await handler({ type: 'TOKEN', authorizationToken: `SAML ${Buffer.from(injected).toString('base64')}`, methodArn: `${API}/prod/GET/orders/42` });
if (read.subject.nameId === 'alice@example.com.evil.com' && 'principalId' in viaAuthorizer && viaAuthorizer.principalId === 'alice@example.com.evil.com') {
  console.log(`   ✔ NameID read whole: ${JSON.stringify(read.subject.nameId)}; principalId ${JSON.stringify(viaAuthorizer.principalId)}`);
} else {
  expectThat(false, `comment injection truncated NameID to ${JSON.stringify(read.subject.nameId)}`);
}

// ---- Sign-in and short-lived access --------------------------------------------------------------------

console.log('\n6. Sign-in (SP-initiated) and a short-lived token instead of the whole SAML Response');
const sp = createServiceProvider({
  entityId: TEST_SP,
  acsUrl: TEST_ACS,
  idp: { metadata }, // the IdP's sign-on URL comes from its metadata
  signing: { privateKey: loadKeyPair('rsa2048-next').privateKeyPem, certificate: loadKeyPair('rsa2048-next').certificatePem },
  now: VALID_NOW,
});
const tokenIssuer = createTokenIssuer({ issuer: 'https://api.samlguard.test', audience: 'https://api.samlguard.test/api', keys: [{ kid: 'demo-1', privateKey: loadKeyPair('ec-p256').privateKeyPem, alg: 'ES256' }], now: VALID_NOW });
const signIn = createAcsHandler({ sp, tokens: tokenIssuer, roles: rules });
const proxyEvent = (method: string, path: string, extra: Record<string, unknown> = {}) => ({ version: '2.0', rawPath: path, rawQueryString: '', headers: {}, requestContext: { http: { method, path } }, ...extra });

const spMetadata = sp.metadata();
console.log(`   GET /saml/metadata → ${spMetadata.length} bytes of SP metadata for the IdP admin:`);
console.log(indent(spMetadata.replace(/<ds:X509Certificate>[^<]+</g, '<ds:X509Certificate>…<').replace(/></g, '>\n<').split('\n').slice(1, 5).join('\n')) + '\n      …');
const login = await signIn(proxyEvent('GET', '/saml/login', { rawQueryString: 'RelayState=%2Forders' }));
const location = login.headers['Location'] ?? '';
console.log(`   GET /saml/login?RelayState=/orders → ${login.statusCode} ${location.slice(0, 96)}…`);
expectThat(login.statusCode === 303 && location.startsWith('https://idp.samlguard.test/sso?SAMLRequest=') && location.includes('&Signature='), 'the login redirects to the IdP with a signed AuthnRequest');
const requestId = /ID="([^"]+)"/.exec((await import('node:zlib')).inflateRawSync(Buffer.from(decodeURIComponent(new URL(location).searchParams.get('SAMLRequest') ? location.split('SAMLRequest=')[1]!.split('&')[0]! : ''), 'base64')).toString())?.[1] ?? '';

// The IdP authenticates alice and POSTs its answer to our ACS (here: the demo IdP signs it).
const answer = Buffer.from(signedResponse({ inResponseTo: requestId, assertionId: '_demo-sso-1', attributes: { groups: ['engineering', 'team-payments'] } }, { sign: 'both' })).toString('base64');
const acs = await signIn(proxyEvent('POST', '/saml/acs', { body: new URLSearchParams({ SAMLResponse: answer, RelayState: '/orders' }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
const cookie = acs.cookies?.[0] ?? '';
const sessionToken = /^samlguard_session=([^;]+)/.exec(cookie)?.[1] ?? '';
console.log(`   POST /saml/acs (SAMLResponse answering ${requestId.slice(0, 18)}…) → ${acs.statusCode} Location ${acs.headers['Location']}`);
console.log(`       Set-Cookie: samlguard_session=<${sessionToken.length}-char ES256 token>${cookie.slice(cookie.indexOf(';'))}`);
expectThat(acs.statusCode === 303 && acs.headers['Location'] === '/orders' && sessionToken.split('.').length === 3, 'the ACS sets a session token and returns to the RelayState');
const replay = await signIn(proxyEvent('POST', '/saml/acs', { body: new URLSearchParams({ SAMLResponse: answer }).toString(), headers: { accept: 'application/json' } }));
console.log(`   the same SAMLResponse posted again → ${replay.statusCode} ${JSON.parse(replay.body).error}`);
expectThat(replay.statusCode === 401 && JSON.parse(replay.body).error === 'REPLAYED', 'a replayed response is refused');

const tokens = createTokenVerifier({ issuer: 'https://api.samlguard.test', audience: 'https://api.samlguard.test/api', jwks: tokenIssuer.jwks(), now: VALID_NOW });
const bearerAuthorizer = createSamlAuthorizer({ verifier, tokens, roles: rules, routes, now: VALID_NOW, onDecision: audit });
const viaToken = await bearerAuthorizer({ type: 'TOKEN', authorizationToken: `Bearer ${sessionToken}`, methodArn: `${API}/prod/GET/orders/42` });
console.log(`   "Authorization: Bearer <${sessionToken.length} chars>" (instead of ${alice.length} chars of SAML), GET /orders/42 → ${'policyDocument' in viaToken ? viaToken.policyDocument.Statement[0]!.Effect : '?'}, roles ${viaToken.context.roles}, credential ${viaToken.context.credential}`);
expectThat('policyDocument' in viaToken && viaToken.policyDocument.Statement[0]!.Effect === 'Allow' && viaToken.context.credential === 'Bearer', 'the session token is accepted by the authorizer');

// RFC 7522: an API client exchanges a signed assertion for a token at the token endpoint.
const TOKEN_URL = 'https://api.samlguard.test/oauth2/token';
const exchange = createTokenHandler({ verifier: createVerifier({ idp: { metadata }, audience: TOKEN_URL, recipient: TOKEN_URL, now: VALID_NOW }), tokenIssuer, roles: rules });
const bare = signXml(buildAssertion({ assertionId: '_demo-7522', audience: TOKEN_URL, recipient: TOKEN_URL, attributes: { groups: ['engineering'] } }), { id: '_demo-7522', key: loadKeyPair('rsa2048').privateKey, certificate: loadKeyPair('rsa2048').certificatePem });
const exchanged = await exchange(proxyEvent('POST', '/oauth2/token', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: SAML2_BEARER_GRANT, assertion: Buffer.from(bare).toString('base64url') }).toString() }));
const grant = JSON.parse(exchanged.body) as { access_token?: string; token_type?: string; expires_in?: number };
console.log(`   POST /oauth2/token grant_type=saml2-bearer → ${exchanged.statusCode} {"token_type":"${grant.token_type}","expires_in":${grant.expires_in},"access_token":"<${grant.access_token?.length ?? 0} chars>"}`);
expectThat(exchanged.statusCode === 200 && grant.token_type === 'Bearer', 'the RFC 7522 exchange issues a token');
const again = await exchange(proxyEvent('POST', '/oauth2/token', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: SAML2_BEARER_GRANT, assertion: Buffer.from(bare).toString('base64url') }).toString() }));
console.log(`   the same assertion exchanged again → ${again.statusCode} ${JSON.parse(again.body).error}: ${JSON.parse(again.body).error_description.split(':')[0]}`);
expectThat(again.statusCode === 400 && JSON.parse(again.body).error === 'invalid_grant', 'an assertion is exchanged once');

console.log(failures === 0 ? '\nAll outcomes as expected.' : `\n${failures} unexpected outcome(s).`);
if (failures > 0) process.exitCode = 1;
