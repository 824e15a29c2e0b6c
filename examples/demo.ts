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
import { createSamlAuthorizer, type AuthorizerDecision, type SamlAuthorizerEvent } from '../src/adapters/apigateway/index.js';
import { createVerifier, type RoleRule } from '../src/index.js';

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
const handler = createSamlAuthorizer({
  verifier,
  roles: rules,
  routes,
  now: VALID_NOW, // the fixtures are issued at a fixed instant; a real authorizer uses the system clock
  onDecision: (d) => void decisions.push(d), // a real one writes a JSON line to the logs
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

console.log(failures === 0 ? '\nAll outcomes as expected.' : `\n${failures} unexpected outcome(s).`);
if (failures > 0) process.exitCode = 1;
