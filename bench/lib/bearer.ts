// The Bearer path: the per-request authorizer decision on a samlguard access token (ES256, EdDSA), side by
// side in the same rounds with aws-jwt-verify verifying the same token, and with the SAML path at 10 KB.
import { generateKeyPairSync } from 'node:crypto';
import { createSamlAuthorizer } from '../../src/adapters/apigateway/index.js';
import * as samlguard from '../../src/index.js';
import { loadKeyPair } from '../../fixtures/index.js';
import { isWide, measureGroup, ratioOf, type HarnessOptions, type Measurement } from './harness.js';

const ISS = 'https://api.samlguard.bench';
const AUD = 'https://api.samlguard.bench/api';
const ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef123/prod/GET/orders/42';

export async function benchBearer(saml10kb: { base64: string; options: samlguard.VerifyOptions }, harness: HarnessOptions): Promise<{ markdown: string; json: Record<string, unknown> }> {
  // A bench-only peer (bench/node_modules): named through a variable so the type-check never needs it.
  const peer = 'aws-jwt-verify';
  const { JwtVerifier } = (await import(peer)) as unknown as { JwtVerifier: { create(o: Record<string, unknown>): { cacheJwks(j: unknown): void; verify(t: string): Promise<unknown> } } };
  const ed = generateKeyPairSync('ed25519');
  const issuer = samlguard.createTokenIssuer({
    issuer: ISS,
    audience: AUD,
    keys: [
      { kid: 'es', privateKey: loadKeyPair('ec-p256').privateKeyPem, alg: 'ES256' },
      { kid: 'ed', privateKey: ed.privateKey, alg: 'EdDSA' },
    ],
  });
  const edIssuer = samlguard.createTokenIssuer({ issuer: ISS, audience: AUD, keys: [{ kid: 'ed', privateKey: ed.privateKey, alg: 'EdDSA' }, { kid: 'es', privateKey: loadKeyPair('ec-p256').privateKeyPem, alg: 'ES256' }] });
  const verifier = samlguard.createVerifier(saml10kb.options);
  const identity = await verifier.verify(saml10kb.base64);
  // The bench issues tokens now and verifies within their lifetime: the assertion's own window is past.
  const live = { ...identity, expiresAt: new Date(Date.now() + 3600_000) } as samlguard.VerifiedAssertion;
  delete (live as { sessionNotOnOrAfter?: Date }).sessionNotOnOrAfter;
  const es256 = (await issuer.issue(live, { roles: ['developer'] })).token;
  const eddsa = (await edIssuer.issue(live, { roles: ['developer'] })).token;
  const tokens = samlguard.createTokenVerifier({ issuer: ISS, audience: AUD, jwks: issuer.jwks() });
  const bearerAuthorizer = createSamlAuthorizer({ tokens });
  const samlAuthorizer = createSamlAuthorizer({ verifier, roles: [{ nameId: true, glob: '*', role: 'developer' }], now: saml10kb.options.now ?? null });
  const aws = JwtVerifier.create({ issuer: ISS, audience: AUD, jwksUri: `${ISS}/.well-known/jwks.json` });
  aws.cacheJwks(issuer.jwks());
  const event = (credential: string) => ({ type: 'TOKEN', authorizationToken: credential, methodArn: ARN }) as never;
  // Every path must accept its input before it is timed.
  for (const t of [es256, eddsa]) {
    await bearerAuthorizer(event(`Bearer ${t}`));
    await aws.verify(t);
  }
  await samlAuthorizer(event(`SAML ${saml10kb.base64}`));

  const tasks = [
    { key: 'bearer-es256', label: 'samlguard authorizer, Bearer ES256', fn: () => bearerAuthorizer(event(`Bearer ${es256}`)) },
    { key: 'bearer-eddsa', label: 'samlguard authorizer, Bearer EdDSA', fn: () => bearerAuthorizer(event(`Bearer ${eddsa}`)) },
    { key: 'tokens-es256', label: 'samlguard createTokenVerifier, ES256 (no authorizer)', fn: () => tokens.verify(es256) },
    { key: 'aws-es256', label: 'aws-jwt-verify JwtVerifier, ES256', fn: () => aws.verify(es256) },
    { key: 'aws-eddsa', label: 'aws-jwt-verify JwtVerifier, EdDSA', fn: () => aws.verify(eddsa) },
    { key: 'saml-10kb', label: 'samlguard authorizer, SAML 10 KB', fn: () => samlAuthorizer(event(`SAML ${saml10kb.base64}`)) },
  ];
  const m = await measureGroup(tasks.map((t) => ({ key: t.key, fn: t.fn })), harness);
  const get = (k: string): Measurement => m.get(k)!;
  const row = (t: (typeof tasks)[number]) => `| ${t.label} | ${Math.round(get(t.key).median)}${isWide(get(t.key)) ? '†' : ''} |`;
  const ratio = (a: string, b: string) => ratioOf(get(a), get(b)).median;
  const targets = [
    { name: 'Bearer decision (ES256) ≤ 1/10 of the SAML 10 KB decision', value: ratio('bearer-es256', 'saml-10kb'), limit: 0.1 },
    { name: 'Bearer decision (ES256) ≤ 1.2× aws-jwt-verify verify (ES256)', value: ratio('bearer-es256', 'aws-es256'), limit: 1.2 },
    { name: 'Bearer decision (EdDSA) ≤ 1.2× aws-jwt-verify verify (EdDSA)', value: ratio('bearer-eddsa', 'aws-eddsa'), limit: 1.2 },
  ];
  return {
    markdown: [
      '## Bearer tokens (per-request decision; same rounds)',
      '',
      '| path | median µs |',
      '| --- | ---: |',
      ...tasks.map(row),
      '',
      '| target | measured | |',
      '| --- | ---: | --- |',
      ...targets.map((t) => `| ${t.name} | ${t.value.toFixed(2)}× | ${t.value <= t.limit ? 'PASS' : 'MISS'} |`),
      '',
      "samlguard verifies tokens with `jose`, which uses WebCrypto: `crypto.subtle.verify` alone costs more than node:crypto's synchronous verify that aws-jwt-verify uses (a thread-pool hop per call).",
    ].join('\n'),
    json: { timing: Object.fromEntries(tasks.map((t) => [t.key, get(t.key)])), targets },
  };
}
