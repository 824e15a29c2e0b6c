// The example in examples/apigateway-authorizer/ really works: configured from environment variables,
// it authorizes a freshly signed assertion and logs one JSON line per decision.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { idpMetadata } from '../../../fixtures/metadata.js';
import { TEST_ACS, TEST_SP } from '../../../fixtures/saml.js';
import { response, throwsWith } from '../../saml/helpers.js';
import { API_PREFIX, httpApiEvent, tokenEvent } from './events.js';

const dir = mkdtempSync(join(tmpdir(), 'samlguard-example-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const metadataFile = join(dir, 'idp-metadata.xml');
writeFileSync(metadataFile, idpMetadata());

const env = {
  SAML_IDP_METADATA_FILE: metadataFile,
  SAML_AUDIENCE: TEST_SP,
  SAML_RECIPIENT: TEST_ACS,
  SAML_ROLE_RULES: JSON.stringify([{ attribute: 'groups', equals: 'engineering', role: 'developer' }]),
  SAML_ROUTES: JSON.stringify({ developer: ['GET /orders/*'] }),
};
Object.assign(process.env, env);
const { handler, optionsFromEnvironment } = await import('../../../examples/apigateway-authorizer/handler.js');

/** The example uses the system clock, so the assertion is issued now. */
function credential(groups: string[]): string {
  return `SAML ${Buffer.from(response({ issuedAt: Date.now(), attributes: { groups } }, { sign: 'both' })).toString('base64')}`;
}

describe('examples/apigateway-authorizer', () => {
  it('allows a permitted route and logs one JSON line', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const result = await handler(tokenEvent(credential(['engineering']), `${API_PREFIX}/prod/GET/orders/7`));
      expect(result).toMatchObject({ principalId: 'alice@example.com', policyDocument: { Statement: [{ Effect: 'Allow', Resource: [`${API_PREFIX}/prod/GET/orders/*`] }] }, context: { roles: 'developer' } });
      expect(log).toHaveBeenCalledTimes(1);
      const line = JSON.parse(String(log.mock.calls[0]![0])) as Record<string, unknown>;
      expect(line).toMatchObject({ audit: 'samlguard', effect: 'allow', principalId: 'alice@example.com', roles: ['developer'] });
      expect(line).not.toHaveProperty('identity'); // attribute values stay out of the logs
    } finally {
      log.mockRestore();
    }
  });

  it('denies another route (403) and refuses a bad credential (401)', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await expect(handler(httpApiEvent({ authorization: credential(['engineering']) }, { routeArn: `${API_PREFIX}/prod/DELETE/orders/7` }))).resolves.toMatchObject({ isAuthorized: false });
      await expect(handler(tokenEvent('SAML AAAA'))).rejects.toThrow(/^Unauthorized$/);
      expect(log.mock.calls.map((c) => (JSON.parse(String(c[0])) as { code: string }).code)).toEqual(['ROUTE_NOT_PERMITTED', 'INPUT_MALFORMED']);
    } finally {
      log.mockRestore();
    }
  });

  it('fails at cold start on bad configuration', () => {
    expect(() => optionsFromEnvironment({ ...env, SAML_AUDIENCE: undefined })).toThrow(/SAML_AUDIENCE/);
    expect(() => optionsFromEnvironment({ ...env, SAML_ROLE_RULES: '[{"attribute":"groups","regex":"(a+)+","role":"x"}]' })).toThrow(/refused/);
    expect(() => optionsFromEnvironment({ ...env, SAML_ROLE_RULES: 'not json' })).toThrow(/JSON/);
    throwsWith(() => optionsFromEnvironment({ ...env, SAML_ROLE_RULES: '[{"atribute":"groups","equals":"x","role":"y"}]' }), 'CONFIG_INVALID');
  });
});
