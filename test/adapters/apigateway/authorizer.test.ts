// The API Gateway authorizer over the documented event shapes: exact responses for allow and deny,
// 401 for anything unverifiable, the audit hook, and configuration checks.
import type { APIGatewayRequestAuthorizerEventV2, APIGatewayRequestAuthorizerHandler, APIGatewayTokenAuthorizerHandler } from 'aws-lambda';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ISSUED_AT, VALID_NOW, type ResponseSpec } from '../../../fixtures/saml.js';
import { createSamlAuthorizer, type AuthorizerDecision, type SamlAuthorizerContext, type SamlAuthorizerOptions } from '../../../src/adapters/apigateway/index.js';
import { createRoleMapper, createVerifier, SAML_ATTRIBUTES, type RoleRule } from '../../../src/index.js';
import { opts, response, throwsWith } from '../../saml/helpers.js';
import { API_PREFIX, httpApiEvent, METHOD_ARN, requestEvent, ROUTE_ARN, tokenEvent } from './events.js';

const verifier = createVerifier(opts());
const RULES: RoleRule[] = [
  { attribute: 'groups', equals: 'engineering', role: 'developer' },
  { attribute: 'groups', glob: 'team-*', role: 'team-$1' },
];
const WHOLE_STAGE = `${API_PREFIX}/test/*/*`;
const EXPIRES = new Date(ISSUED_AT + 300_000).toISOString(); // the fixture's 300 s lifetime

/** base64 of a Response signed for alice (groups engineering + team-payments unless overridden). */
function credential(spec: ResponseSpec = {}): string {
  return Buffer.from(response({ attributes: { groups: ['engineering', 'team-payments'] }, ...spec }, { sign: 'both' })).toString('base64');
}

function setup(extra: Partial<SamlAuthorizerOptions> = {}) {
  const decisions: AuthorizerDecision[] = [];
  const handler = createSamlAuthorizer({ verifier, roles: RULES, now: VALID_NOW, onDecision: (d) => void decisions.push(d), ...extra });
  return { handler, decisions };
}

const ALICE_CONTEXT: SamlAuthorizerContext = {
  nameId: 'alice@example.com',
  roles: 'developer,team-payments',
  expiresAt: EXPIRES,
  assertionId: '_a0b1c2d3e4f5061728394a5b6c7d8e9f',
  issuer: 'https://idp.samlguard.test/metadata',
  credential: 'SAML',
};

function allowWholeStage(resource = WHOLE_STAGE) {
  return {
    principalId: 'alice@example.com',
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [resource] }] },
    context: ALICE_CONTEXT,
  };
}

/** Awaits a rejection that must be exactly API Gateway's 401 error. */
async function unauthorized(promise: Promise<unknown>): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  expect((err as Error).message).toBe('Unauthorized');
}

describe('REST API TOKEN authorizer', () => {
  it('allows a verified identity with a role: the whole stage, principalId = NameID, string context', async () => {
    const { handler, decisions } = setup();
    await expect(handler(tokenEvent(`SAML ${credential()}`))).resolves.toEqual(allowWholeStage());
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ effect: 'allow', event: 'TOKEN', resource: METHOD_ARN, principalId: 'alice@example.com', roles: ['developer', 'team-payments'], expiresAt: EXPIRES, at: VALID_NOW.toISOString() });
  });

  it('the scheme is case-insensitive; the bare base64 is accepted only with scheme: null', async () => {
    const { handler } = setup();
    await expect(handler(tokenEvent(`saml ${credential()}`))).resolves.toEqual(allowWholeStage());
    await unauthorized(handler(tokenEvent(credential())));
    const bare = setup({ scheme: null }).handler;
    await expect(bare(tokenEvent(credential()))).resolves.toEqual(allowWholeStage());
    await unauthorized(bare(tokenEvent(`SAML ${credential()}`)));
  });

  it('the whole-stage resource covers every route, so a cached policy does not deny other routes', async () => {
    const { handler } = setup();
    const result = await handler(tokenEvent(`SAML ${credential()}`, `${API_PREFIX}/test/POST/orders/42/items`));
    expect(result).toEqual(allowWholeStage());
  });
});

describe('REST API REQUEST authorizer', () => {
  it('reads the Authorization header (the documented event, with multiValueHeaders)', async () => {
    const { handler, decisions } = setup();
    await expect(handler(requestEvent({ Authorization: `SAML ${credential()}` }))).resolves.toEqual(allowWholeStage());
    expect(decisions[0]).toMatchObject({ effect: 'allow', event: 'REQUEST', requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef' });
  });

  it('looks the header up case-insensitively, in headers alone too', async () => {
    const { handler } = setup();
    await expect(handler(requestEvent({ authorization: `SAML ${credential()}` }))).resolves.toEqual(allowWholeStage());
    const event = requestEvent({ AUTHORIZATION: `SAML ${credential()}` });
    event.multiValueHeaders = null;
    await expect(handler(event)).resolves.toEqual(allowWholeStage());
  });

  it('a credential header sent twice is refused (multiValueHeaders shows both), even if one is valid', async () => {
    const { handler, decisions } = setup();
    const good = `SAML ${credential()}`;
    const event = requestEvent({ Authorization: good }, { multiValueHeaders: { Authorization: [`SAML ${credential({ nameId: 'mallory@example.com' })}`, good] } });
    await unauthorized(handler(event));
    expect(decisions[0]).toMatchObject({ effect: 'unauthorized', code: 'CREDENTIAL_MALFORMED' });
    const twoKeys = requestEvent({ Authorization: good, authorization: good });
    twoKeys.multiValueHeaders = null;
    await unauthorized(handler(twoKeys));
  });

  it('a configured header', async () => {
    const { handler } = setup({ header: 'X-SAML-Assertion' });
    await expect(handler(requestEvent({ 'x-saml-assertion': `SAML ${credential()}` }))).resolves.toEqual(allowWholeStage());
    await unauthorized(handler(requestEvent({ Authorization: `SAML ${credential()}` })));
  });

  it('a configured cookie: bare base64, percent-encoding and quotes undone, any Cookie header', async () => {
    const { handler } = setup({ cookie: 'saml' });
    const b64 = credential();
    await expect(handler(requestEvent({ Cookie: `theme=dark; saml=${b64}; lang=en` }))).resolves.toEqual(allowWholeStage());
    await expect(handler(requestEvent({ cookie: `saml=${encodeURIComponent(b64)}` }))).resolves.toEqual(allowWholeStage());
    await expect(handler(requestEvent({ Cookie: `saml="${b64}"` }))).resolves.toEqual(allowWholeStage());
    // HTTP/2 may split cookies over several Cookie headers: REST shows them in multiValueHeaders.
    await expect(handler(requestEvent({}, { multiValueHeaders: { Cookie: ['theme=dark', `saml=${b64}`] } }))).resolves.toEqual(allowWholeStage());
  });

  it('cookie: missing, repeated, or not base64 → 401', async () => {
    const { handler, decisions } = setup({ cookie: 'saml' });
    await unauthorized(handler(requestEvent({ Cookie: 'theme=dark' })));
    await unauthorized(handler(requestEvent({ Cookie: `saml=${credential()}; saml=${credential()}` })));
    await unauthorized(handler(requestEvent({ Cookie: 'saml=%E0%A4%A' })));
    await unauthorized(handler(requestEvent({ Cookie: 'saml=not base64!' })));
    await unauthorized(handler(requestEvent({ Authorization: `SAML ${credential()}` })));
    expect(decisions.map((d) => (d.effect === 'unauthorized' ? d.code : d.effect))).toEqual(['CREDENTIAL_MISSING', 'CREDENTIAL_MALFORMED', 'CREDENTIAL_MALFORMED', 'CREDENTIAL_MALFORMED', 'CREDENTIAL_MISSING']);
  });
});

describe('HTTP API payload 2.0', () => {
  it('simple response: isAuthorized + context', async () => {
    const { handler, decisions } = setup();
    await expect(handler(httpApiEvent({ authorization: `SAML ${credential()}` }))).resolves.toEqual({ isAuthorized: true, context: ALICE_CONTEXT });
    expect(decisions[0]).toMatchObject({ effect: 'allow', event: 'HTTP', resource: ROUTE_ARN, requestId: 'id' });
  });

  it('IAM policy response', async () => {
    const { handler } = setup({ httpApiResponse: 'policy' });
    await expect(handler(httpApiEvent({ authorization: `SAML ${credential()}` }))).resolves.toEqual(allowWholeStage());
  });

  it('the $default route ARN gets the whole stage as `…/stage/*`', async () => {
    const { handler } = setup({ httpApiResponse: 'policy' });
    const result = await handler(httpApiEvent({ authorization: `SAML ${credential()}` }, { routeArn: `${API_PREFIX}/$default/$default` }));
    expect(result).toEqual(allowWholeStage(`${API_PREFIX}/$default/*`));
  });

  it('a cookie from the `cookies` array', async () => {
    const { handler } = setup({ cookie: 'saml' });
    await expect(handler(httpApiEvent({}, { cookies: ['theme=dark', `saml=${credential()}`] }))).resolves.toEqual({ isAuthorized: true, context: ALICE_CONTEXT });
    await unauthorized(handler(httpApiEvent({ cookie: `saml=${credential()}` }, { cookies: ['theme=dark'] })));
  });

  it('a missing credential is 401 here too, not isAuthorized: false', async () => {
    const { handler, decisions } = setup();
    await unauthorized(handler(httpApiEvent()));
    expect(decisions[0]).toMatchObject({ effect: 'unauthorized', code: 'CREDENTIAL_MISSING', event: 'HTTP' });
  });
});

describe('401: missing, malformed or unverifiable credentials', () => {
  const cases: Array<[string, () => string, string]> = [
    ['no credential', () => '', 'CREDENTIAL_MISSING'],
    ['only spaces', () => '   ', 'CREDENTIAL_MISSING'],
    ['another scheme', () => `Bearer ${credential()}`, 'CREDENTIAL_MALFORMED'],
    ['no scheme', () => credential(), 'CREDENTIAL_MALFORMED'],
    ['a scheme and nothing else', () => 'SAML', 'CREDENTIAL_MALFORMED'],
    ['three parts', () => `SAML ${credential()} extra`, 'CREDENTIAL_MALFORMED'],
    ['not base64', () => 'SAML <samlp:Response/>', 'CREDENTIAL_MALFORMED'],
    ['base64url', () => `SAML ${credential().replace(/\+/g, '-').replace(/\//g, '_')}`, 'CREDENTIAL_MALFORMED'],
    ['base64 of something else', () => `SAML ${Buffer.from('{"sub":"alice"}').toString('base64')}`, 'INPUT_MALFORMED'],
    ['an altered NameID (tampered after signing)', () => `SAML ${Buffer.from(Buffer.from(credential(), 'base64').toString().replace('>alice@example.com<', '>admin@example.com<')).toString('base64')}`, 'DIGEST_MISMATCH'],
    ['an expired assertion', () => `SAML ${credential({ issuedAt: ISSUED_AT - 3600_000 })}`, 'EXPIRED'],
    ['an assertion for another audience', () => `SAML ${credential({ audience: 'https://other-sp/' })}`, 'AUDIENCE_MISMATCH'],
    ['an unsigned assertion', () => `SAML ${Buffer.from(response({ attributes: { groups: ['engineering'] } }, { sign: 'none' })).toString('base64')}`, 'SIGNATURE_MISSING'],
    ['an assertion signed by another key', () => `SAML ${Buffer.from(response({ attributes: { groups: ['engineering'] } }, { sign: 'both', keyName: 'attacker-rsa2048' })).toString('base64')}`, 'KEY_NOT_TRUSTED'],
  ];
  for (const [name, token, code] of cases) {
    it(`${name} → Error('Unauthorized'), onDecision gets ${code}`, async () => {
      const { handler, decisions } = setup();
      await unauthorized(handler(tokenEvent(token())));
      expect(decisions).toHaveLength(1);
      expect(decisions[0]).toMatchObject({ effect: 'unauthorized', code, event: 'TOKEN', resource: METHOD_ARN });
    });
  }

  it('the credential itself is never echoed into the decision', async () => {
    const { handler, decisions } = setup();
    const secret = credential().slice(0, 40);
    await unauthorized(handler(tokenEvent(`SAML ${secret}!`)));
    expect(JSON.stringify(decisions)).not.toContain(secret);
  });

  it('an event of no known shape → 401 INPUT_MALFORMED', async () => {
    const { handler, decisions } = setup();
    for (const event of [{}, null, { type: 'TOKEN' }, { type: 'REQUEST', version: '2.0' }, { type: 'WEBSOCKET', methodArn: METHOD_ARN }]) {
      await unauthorized(handler(event as never));
    }
    expect(decisions.every((d) => d.effect === 'unauthorized' && d.code === 'INPUT_MALFORMED' && d.event === 'unknown')).toBe(true);
  });

  it('a methodArn that is not an execute-api ARN → 401 INPUT_MALFORMED, before any verification', async () => {
    const { handler, decisions } = setup();
    await unauthorized(handler(tokenEvent(`SAML ${credential()}`, 'arn:aws:lambda:us-east-1:123456789012:function:x')));
    expect(decisions[0]).toMatchObject({ effect: 'unauthorized', code: 'INPUT_MALFORMED' });
  });

  it('the verifier is given the authorizer clock', async () => {
    const late = setup({ now: ISSUED_AT + 3600_000 });
    await unauthorized(late.handler(tokenEvent(`SAML ${credential()}`)));
    expect(late.decisions[0]).toMatchObject({ code: 'EXPIRED' });
  });
});

describe('403: a verified identity without a permitted role', () => {
  const DENY_WHOLE_STAGE = { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [WHOLE_STAGE] }] };

  it('no role → explicit Deny for the whole stage (REST), isAuthorized: false (HTTP API)', async () => {
    const { handler, decisions } = setup();
    const b64 = credential({ attributes: { groups: ['sales'] } });
    const context = { ...ALICE_CONTEXT, roles: '' };
    await expect(handler(tokenEvent(`SAML ${b64}`))).resolves.toEqual({ principalId: 'alice@example.com', policyDocument: DENY_WHOLE_STAGE, context });
    await expect(handler(requestEvent({ Authorization: `SAML ${b64}` }))).resolves.toEqual({ principalId: 'alice@example.com', policyDocument: DENY_WHOLE_STAGE, context });
    await expect(handler(httpApiEvent({ authorization: `SAML ${b64}` }))).resolves.toEqual({ isAuthorized: false, context });
    expect(decisions.map((d) => d.effect === 'deny' && d.code)).toEqual(['NO_ROLE', 'NO_ROLE', 'NO_ROLE']);
  });

  it('Entra groups overage → Deny with GROUPS_OVERAGE, never an allow on partial groups', async () => {
    const rules: RoleRule[] = [{ attribute: SAML_ATTRIBUTES.entraGroups, equals: 'g-admins', role: 'admin' }, { nameId: true, glob: '*', role: 'user' }];
    const { handler, decisions } = setup({ roles: rules });
    const b64 = credential({ attributes: { [SAML_ATTRIBUTES.entraGroupsLink]: ['https://graph.windows.net/t/users/u/getMemberObjects'] } });
    await expect(handler(tokenEvent(`SAML ${b64}`))).resolves.toEqual({ principalId: 'alice@example.com', policyDocument: DENY_WHOLE_STAGE, context: { ...ALICE_CONTEXT, roles: '' } });
    expect(decisions[0]).toMatchObject({ effect: 'deny', code: 'GROUPS_OVERAGE' });
  });

  it('a malformed SessionDuration → Deny with CLAIM_INVALID', async () => {
    const { handler, decisions } = setup();
    const b64 = credential({ attributes: { groups: ['engineering'], [SAML_ATTRIBUTES.awsSessionDuration]: ['forever'] } });
    await expect(handler(tokenEvent(`SAML ${b64}`))).resolves.toMatchObject({ policyDocument: DENY_WHOLE_STAGE });
    expect(decisions[0]).toMatchObject({ effect: 'deny', code: 'CLAIM_INVALID' });
  });
});

describe('per-role route permissions', () => {
  const routes = { developer: ['GET /orders/*', 'POST /orders'], 'team-payments': ['ANY /payments/*'], admin: ['* /admin/*'] };

  it('allows exactly the routes of the roles held (sorted), when the request is one of them', async () => {
    const { handler } = setup({ routes });
    const result = await handler(tokenEvent(`SAML ${credential()}`, `${API_PREFIX}/test/GET/orders/42`));
    expect(result).toEqual({
      principalId: 'alice@example.com',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${API_PREFIX}/test/*/payments/*`, `${API_PREFIX}/test/GET/orders/*`, `${API_PREFIX}/test/POST/orders`] }],
      },
      context: ALICE_CONTEXT,
    });
  });

  it('a route none of the roles permits: explicit Deny for it, the permitted ones still allowed (cache-safe)', async () => {
    const { handler, decisions } = setup({ routes });
    const arn = `${API_PREFIX}/test/GET/admin/users`;
    const result = await handler(tokenEvent(`SAML ${credential()}`, arn));
    expect(result).toEqual({
      principalId: 'alice@example.com',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${API_PREFIX}/test/*/payments/*`, `${API_PREFIX}/test/GET/orders/*`, `${API_PREFIX}/test/POST/orders`] },
          { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [arn] },
        ],
      },
      context: ALICE_CONTEXT,
    });
    expect(decisions[0]).toMatchObject({ effect: 'deny', code: 'ROUTE_NOT_PERMITTED' });
  });

  it('method and path both count: POST /orders/42 is not GET /orders/*; /orders is not /orders/*', async () => {
    const { handler } = setup({ routes, httpApiResponse: 'simple' });
    const call = (routeArn: string) => handler(httpApiEvent({ authorization: `SAML ${credential()}` }, { routeArn }));
    await expect(call(`${API_PREFIX}/test/GET/orders/42`)).resolves.toMatchObject({ isAuthorized: true });
    await expect(call(`${API_PREFIX}/test/POST/orders/42`)).resolves.toMatchObject({ isAuthorized: false });
    await expect(call(`${API_PREFIX}/test/GET/orders`)).resolves.toMatchObject({ isAuthorized: false });
    await expect(call(`${API_PREFIX}/test/DELETE/payments/7`)).resolves.toMatchObject({ isAuthorized: true });
    await expect(call(`${API_PREFIX}/prod/GET/orders/42`)).resolves.toMatchObject({ isAuthorized: true });
  });

  it('roles with no routes listed grant nothing: Deny for the whole stage', async () => {
    const { handler, decisions } = setup({ routes: { admin: ['ANY /*'] } });
    await expect(handler(tokenEvent(`SAML ${credential()}`))).resolves.toMatchObject({
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [WHOLE_STAGE] }] },
    });
    expect(decisions[0]).toMatchObject({ effect: 'deny', code: 'ROUTE_NOT_PERMITTED', roles: ['developer', 'team-payments'] });
  });
});

describe('onDecision', () => {
  it('receives one JSON-serializable decision per call', async () => {
    const lines: string[] = [];
    const { handler } = setup({ onDecision: (d) => void lines.push(JSON.stringify(d)) });
    await handler(tokenEvent(`SAML ${credential()}`));
    await unauthorized(handler(tokenEvent('')));
    expect(lines).toHaveLength(2);
    const allow = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(allow).toMatchObject({ effect: 'allow', identity: { subject: { nameId: 'alice@example.com' }, expiresAt: EXPIRES } });
    expect(JSON.parse(lines[1]!)).toEqual({ at: VALID_NOW.toISOString(), event: 'TOKEN', resource: METHOD_ARN, effect: 'unauthorized', code: 'CREDENTIAL_MISSING', message: 'No credential in authorizationToken.' });
  });

  it('a hook that throws cannot turn a deny into an allow', async () => {
    const { handler } = setup({
      onDecision: () => {
        throw new Error('log sink down');
      },
    });
    const result = await handler(tokenEvent(`SAML ${credential({ attributes: { groups: ['sales'] } })}`));
    expect(result).toMatchObject({ policyDocument: { Statement: [{ Effect: 'Deny' }] } });
    await unauthorized(handler(tokenEvent('SAML bad')));
  });

  it('an async hook that rejects on a 401 leaves it a 401', async () => {
    const { handler } = setup({ onDecision: () => Promise.reject(new Error('log sink down')) });
    await unauthorized(handler(tokenEvent(`SAML ${credential({ issuedAt: ISSUED_AT - 3600_000 })}`)));
  });

  it('a hook that edits the decision does not change the response', async () => {
    const { handler } = setup({
      onDecision: (d) => {
        const m = d as unknown as { effect: string; roles: string[] };
        try {
          m.effect = 'allow';
        } catch {
          /* frozen */
        }
        try {
          m.roles.push('admin');
        } catch {
          /* frozen */
        }
      },
    });
    const result = await handler(tokenEvent(`SAML ${credential({ attributes: { groups: ['sales'] } })}`));
    expect(result).toMatchObject({ policyDocument: { Statement: [{ Effect: 'Deny' }] }, context: { roles: '' } });
  });

  it('a hook that fails on an allow refuses the request (500), rather than allowing it unaudited', async () => {
    const { handler } = setup({ onDecision: (d) => (d.effect === 'allow' ? Promise.reject(new Error('audit unavailable')) : undefined) });
    const err = await handler(tokenEvent(`SAML ${credential()}`)).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).not.toBe('Unauthorized');
  });

  it('an unexpected failure (a mapper bug) is rethrown (500) and reported as an error decision', async () => {
    const decisions: AuthorizerDecision[] = [];
    const broken = { map: () => ['ok', 'not a role'], rules: [] };
    const handler = createSamlAuthorizer({ verifier, roles: broken, now: VALID_NOW, onDecision: (d) => void decisions.push(d) });
    await expect(handler(tokenEvent(`SAML ${credential()}`))).rejects.toThrow(/role mapper/);
    expect(decisions[0]).toMatchObject({ effect: 'error' });
  });
});

describe('context values', () => {
  it('are strings only (API Gateway rejects objects and arrays), whatever the identity holds', async () => {
    const { handler } = setup();
    const result = await handler(tokenEvent(`SAML ${credential({ attributes: { groups: ['engineering', 'team-a', 'team-b'], extra: ['x', 'y'] } })}`));
    const context = (result as { context: Record<string, unknown> }).context;
    expect(Object.keys(context).sort()).toEqual(['assertionId', 'credential', 'expiresAt', 'issuer', 'nameId', 'roles']);
    for (const value of Object.values(context)) expect(['string', 'number', 'boolean']).toContain(typeof value);
    expect(context.roles).toBe('developer,team-a,team-b');
  });

  it('expiresAt is shortened by an AWS SessionDuration', async () => {
    const { handler } = setup({ now: ISSUED_AT + 10_000 });
    const result = await handler(tokenEvent(`SAML ${credential({ lifetimeSeconds: 3600, attributes: { groups: ['engineering'], [SAML_ATTRIBUTES.awsSessionDuration]: ['900'] } })}`));
    expect(result).toMatchObject({ context: { expiresAt: new Date(ISSUED_AT + 10_000 + 900_000).toISOString() } });
  });
});

describe('roles as a mapper', () => {
  it('accepts a mapper from createRoleMapper', async () => {
    const { handler } = setup({ roles: createRoleMapper(RULES) });
    await expect(handler(tokenEvent(`SAML ${credential()}`))).resolves.toEqual(allowWholeStage());
  });
});

describe('configuration is validated at creation (CONFIG_INVALID)', () => {
  const base = { verifier, roles: RULES };
  const bad: Array<[string, unknown]> = [
    ['no options', undefined],
    ['no verifier', { roles: RULES }],
    ['a verifier that is not one', { verifier: {}, roles: RULES }],
    ['no roles', { verifier }],
    ['roles that are not rules', { verifier, roles: 'developer' }],
    ['an invalid rule', { verifier, roles: [{ attribute: 'g', regex: '(a+)+', role: 'r' }] }],
    ['an unknown option', { ...base, route: {} }],
    ['header and cookie', { ...base, header: 'X-SAML', cookie: 'saml' }],
    ['a header with a space', { ...base, header: 'X SAML' }],
    ['an empty cookie name', { ...base, cookie: '' }],
    ['a scheme with a space', { ...base, scheme: 'SAML 2' }],
    ['an unknown httpApiResponse', { ...base, httpApiResponse: 'iam' }],
    ['a bad now', { ...base, now: 'yesterday' }],
    ['onDecision that is not a function', { ...base, onDecision: 'console.log' }],
    ['routes that are not an object', { ...base, routes: ['GET /x'] }],
    ['routes for a role that is not a role name', { ...base, routes: { 'a,b': ['GET /x'] } }],
    ['a route list that is not an array', { ...base, routes: { developer: 'GET /x' } }],
    ['a route without a method', { ...base, routes: { developer: ['/orders'] } }],
    ['a route with an unknown method', { ...base, routes: { developer: ['FETCH /orders'] } }],
    ['a route without a leading slash', { ...base, routes: { developer: ['GET orders'] } }],
    ['a route with a {parameter}', { ...base, routes: { developer: ['GET /orders/{id}'] } }],
    ['a route with a query', { ...base, routes: { developer: ['GET /orders?x=1'] } }],
  ];
  for (const [name, options] of bad) {
    it(`refuses ${name}`, () => {
      throwsWith(() => createSamlAuthorizer(options as SamlAuthorizerOptions), 'CONFIG_INVALID');
    });
  }
});

describe('types', () => {
  it('the handler fits the aws-lambda handler types of each event', () => {
    const handler = createSamlAuthorizer({ verifier, roles: RULES });
    const token: APIGatewayTokenAuthorizerHandler = handler;
    const request: APIGatewayRequestAuthorizerHandler = handler;
    void token;
    void request;
    // The HTTP API result is either shape (httpApiResponse decides at runtime).
    expectTypeOf(handler).parameter(0).extract<APIGatewayRequestAuthorizerEventV2>().toEqualTypeOf<APIGatewayRequestAuthorizerEventV2>();
    expectTypeOf<SamlAuthorizerContext['roles']>().toEqualTypeOf<string>();
  });
});
