// The audit line: stable fields, principal handling, nothing secret, and CloudWatch EMF that validates
// against the EMF specification's JSON schema.
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { signedResponse, VALID_NOW } from '../../fixtures/saml.js';
import { createSamlAuthorizer } from '../../src/adapters/apigateway/index.js';
import { auditLog, createTokenIssuer, createTokenVerifier, createVerifier, verifyAssertion } from '../../src/index.js';
import { httpApiEvent, tokenEvent } from '../adapters/apigateway/events.js';
import { opts } from '../saml/helpers.js';

// The EMF specification's JSON schema (CloudWatch "Embedded metric format specification"), written from the spec.
const EMF_SCHEMA = {
  type: 'object',
  title: 'Root Node',
  required: ['_aws'],
  properties: {
    _aws: {
      type: 'object',
      title: 'Metadata',
      required: ['Timestamp', 'CloudWatchMetrics'],
      properties: {
        Timestamp: { type: 'integer', title: 'The Timestamp Schema' },
        CloudWatchMetrics: {
          type: 'array',
          title: 'MetricDirectives',
          items: {
            type: 'object',
            title: 'MetricDirective',
            required: ['Namespace', 'Dimensions', 'Metrics'],
            properties: {
              Namespace: { type: 'string', title: 'CloudWatch Metrics Namespace', pattern: '^(.*)$', minLength: 1, maxLength: 1024 },
              Dimensions: {
                type: 'array',
                title: 'The Dimensions Schema',
                minItems: 1,
                items: { type: 'array', title: 'DimensionSet', minItems: 0, maxItems: 30, items: { type: 'string', title: 'DimensionReference', pattern: '^(.*)$', minLength: 1, maxLength: 250 } },
              },
              Metrics: {
                type: 'array',
                title: 'MetricDefinitions',
                maxItems: 100,
                items: {
                  type: 'object',
                  title: 'MetricDefinition',
                  required: ['Name'],
                  properties: {
                    Name: { type: 'string', title: 'MetricName', pattern: '^(.*)$', minLength: 1, maxLength: 1024 },
                    Unit: {
                      type: 'string',
                      title: 'MetricUnit',
                      pattern:
                        '^(Seconds|Microseconds|Milliseconds|Bytes|Kilobytes|Megabytes|Gigabytes|Terabytes|Bits|Kilobits|Megabits|Gigabits|Terabits|Percent|Count|Bytes\\/Second|Kilobytes\\/Second|Megabytes\\/Second|Gigabytes\\/Second|Terabytes\\/Second|Bits\\/Second|Kilobits\\/Second|Megabits\\/Second|Gigabits\\/Second|Terabits\\/Second|Count\\/Second|None)$',
                    },
                    StorageResolution: { type: 'integer', title: 'StorageResolution' },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;

/** The rules of the spec beyond the schema: every referenced dimension and metric is a root member of the right type. */
function checkEmfReferences(doc: Record<string, unknown>): void {
  const aws = doc['_aws'] as { Timestamp: number; CloudWatchMetrics: Array<{ Dimensions: string[][]; Metrics: Array<{ Name: string }> }> };
  expect(Math.abs(aws.Timestamp - Date.now())).toBeLessThan(14 * 24 * 3600_000);
  for (const directive of aws.CloudWatchMetrics) {
    for (const set of directive.Dimensions) for (const name of set) expect(typeof doc[name], `dimension ${name}`).toBe('string');
    for (const m of directive.Metrics) expect(typeof doc[m.Name], `metric ${m.Name}`).toBe('number');
  }
  expect(JSON.stringify(doc).length).toBeLessThan(256 * 1024);
}

const ROUTE = 'arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/GET/request';
const NOW = new Date(); // EMF timestamps must be recent: these fixtures are verified "now" through the cache-free path
const RULES = [{ attribute: 'groups', equals: 'engineering', role: 'developer' }];

function run(options: Parameters<typeof auditLog>[0], extra: Record<string, unknown> = {}) {
  const lines: string[] = [];
  const handler = createSamlAuthorizer({ verifier: createVerifier(opts()), roles: RULES, now: VALID_NOW, onDecision: auditLog({ write: (l) => void lines.push(l), ...options }), ...extra });
  return { handler, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}
const saml = (spec: Record<string, unknown> = {}) => `SAML ${Buffer.from(signedResponse({ attributes: { groups: ['engineering'], secret: ['s3cr3t'] }, ...spec })).toString('base64')}`;

describe('auditLog', () => {
  it('one JSON line per decision with the documented fields (allow)', async () => {
    const { handler, lines, parsed } = run({ nameId: 'plain' });
    await handler(httpApiEvent({ authorization: saml() }, { routeArn: ROUTE }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(parsed()[0]).toEqual({
      ts: VALID_NOW.toISOString(),
      event: 'samlguard.decision',
      eventType: 'HTTP',
      requestId: 'id',
      resource: ROUTE,
      sourceIp: 'IP',
      outcome: 'allow',
      principal: 'alice@example.com',
      roles: ['developer'],
      issuer: 'https://idp.samlguard.test/metadata',
      assertionId: '_a0b1c2d3e4f5061728394a5b6c7d8e9f',
      credential: 'SAML',
      cacheHit: false,
      latencyMs: expect.any(Number),
    });
  });

  it('refusals carry their code; unauthorized lines have no principal', async () => {
    const { handler, parsed } = run({ nameId: 'plain' });
    await handler(tokenEvent('SAML ' + Buffer.from(signedResponse().replace('alice@', 'mallory@')).toString('base64'))).catch(() => undefined);
    await handler(tokenEvent(saml({ attributes: { groups: ['sales'] } })));
    const [u, d] = parsed();
    expect(u).toMatchObject({ outcome: 'unauthorized', code: 'DIGEST_MISMATCH', credential: 'SAML' });
    expect(u).not.toHaveProperty('principal');
    expect(d).toMatchObject({ outcome: 'deny', code: 'NO_ROLE', principal: 'alice@example.com' });
  });

  it("nameId: 'hash' is HMAC-SHA-256 with the key (stable, not the NameID); 'omit' leaves it out; the default without a key is omit", async () => {
    const hashed = run({ nameId: 'hash', hashKey: 'k'.repeat(32) });
    await hashed.handler(tokenEvent(saml()));
    await hashed.handler(tokenEvent(saml()));
    const [a, b] = hashed.parsed();
    expect(a!['principal']).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(a!['principal']).toBe(b!['principal']);
    expect(JSON.stringify(a)).not.toContain('alice');
    const omitted = run({});
    await omitted.handler(tokenEvent(saml()));
    expect(omitted.parsed()[0]).not.toHaveProperty('principal');
    expect(() => auditLog({ nameId: 'hash' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => auditLog({ nameId: 'hash', hashKey: 'short' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('nothing secret: no assertion, signature, token or attribute values unless listed', async () => {
    const { handler, lines } = run({ nameId: 'plain' });
    const credential = saml();
    await handler(tokenEvent(credential));
    const text = lines.join('\n');
    for (const secret of ['s3cr3t', 'SignatureValue', credential.slice(5, 60), 'engineering']) expect(text).not.toContain(secret);
    const listed = run({ nameId: 'omit', attributes: ['groups'] });
    await listed.handler(tokenEvent(saml()));
    expect(listed.parsed()[0]).toMatchObject({ attributes: { groups: ['engineering'] } });
    expect(listed.lines[0]).not.toContain('s3cr3t');
  });

  it('Bearer decisions log the jti, never the token', async () => {
    const issuer = createTokenIssuer({ issuer: 'https://i', audience: 'a', keys: [{ kid: 'k', privateKey: loadKeyPair('ec-p256').privateKeyPem, alg: 'ES256' }], now: VALID_NOW });
    const issued = await issuer.issue(await verifyAssertion(signedResponse(), opts()), { roles: ['developer'] });
    const lines: string[] = [];
    const handler = createSamlAuthorizer({ tokens: createTokenVerifier({ issuer: 'https://i', audience: 'a', jwks: issuer.jwks(), now: VALID_NOW }), now: VALID_NOW, onDecision: auditLog({ write: (l) => void lines.push(l) }) });
    await handler(tokenEvent(`Bearer ${issued.token}`));
    expect(JSON.parse(lines[0]!)).toMatchObject({ credential: 'Bearer', jti: issued.claims.jti, outcome: 'allow' });
    expect(lines[0]).not.toContain(issued.token.split('.')[2]!);
  });

  it('metrics: the same line is CloudWatch EMF that validates against the EMF schema (Decisions by Outcome and Code, VerifyLatency)', async () => {
    const { handler, parsed } = run({ metrics: { namespace: 'samlguard/test' } }, { now: NOW });
    await handler(tokenEvent(saml())).catch(() => undefined); // expired at NOW: unauthorized
    const validate = new Ajv({ allErrors: true, strict: false }).compile(EMF_SCHEMA);
    for (const doc of parsed()) {
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      checkEmfReferences(doc);
      expect(doc).toMatchObject({ Outcome: 'unauthorized', Code: 'EXPIRED', Decisions: 1, _aws: { CloudWatchMetrics: [{ Namespace: 'samlguard/test', Dimensions: [['Outcome', 'Code']] }] } });
      expect(doc['VerifyLatency']).toEqual(expect.any(Number));
    }
    expect(() => auditLog({ metrics: { namespace: '' } })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
