/**
 * A complete API Gateway Lambda authorizer: SAML assertions in, IAM policies (or HTTP API simple
 * responses) out. Configuration comes from environment variables (see README.md next to this file) and
 * is checked at cold start: a mistake fails the deployment's first invocation loudly, not a user's request.
 *
 * In your own project, import from 'samlguard' and 'samlguard/apigateway'; this example imports the
 * sources so that the repository's type-check covers it.
 */
import { readFileSync } from 'node:fs';
import { createSamlAuthorizer, type AuthorizerDecision, type SamlAuthorizerOptions } from '../../src/adapters/apigateway/index.js';
import { createRoleMapper, createVerifier, type RoleRule, type VerifyOptions } from '../../src/index.js';

/** The variables this handler reads; everything else is a fixed, safe default. */
export interface AuthorizerEnvironment {
  /** Path of the IdP metadata XML bundled with the function (preferred: it carries every signing key). */
  SAML_IDP_METADATA_FILE?: string;
  /** Or: the IdP entityID and its signing certificate (PEM), when metadata is not at hand. */
  SAML_IDP_ENTITY_ID?: string;
  SAML_IDP_CERTIFICATE?: string;
  /** Your SP entityID, as configured at the IdP. Required. */
  SAML_AUDIENCE?: string;
  /** Your ACS URL; checked against Recipient and Destination when set. */
  SAML_RECIPIENT?: string;
  /** Role rules, JSON: [{ "attribute": "groups", "equals": "engineering", "role": "developer" }, …]. Required. */
  SAML_ROLE_RULES?: string;
  /** Per-role route permissions, JSON: { "developer": ["GET /orders/*"] }. Absent: any role allows the whole stage. */
  SAML_ROUTES?: string;
  /** Where the credential is: a header name (default Authorization) or a cookie name. */
  SAML_HEADER?: string;
  SAML_COOKIE?: string;
  /** HTTP API only: 'simple' (EnableSimpleResponses: true, the default) or 'policy'. */
  SAML_HTTP_API_RESPONSE?: string;
}

function fail(message: string): never {
  throw new Error(`authorizer configuration: ${message}`);
}

function json(env: AuthorizerEnvironment, name: 'SAML_ROLE_RULES' | 'SAML_ROUTES'): unknown {
  const text = env[name];
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fail(`${name} is not valid JSON.`);
  }
}

/** Builds the authorizer options from the environment (exported for tests and for reuse). */
export function optionsFromEnvironment(env: AuthorizerEnvironment): SamlAuthorizerOptions {
  const audience = env.SAML_AUDIENCE ?? fail('SAML_AUDIENCE is required (your SP entityID).');
  const idp: VerifyOptions['idp'] = env.SAML_IDP_METADATA_FILE
    ? { metadata: readFileSync(env.SAML_IDP_METADATA_FILE, 'utf8') }
    : { entityId: env.SAML_IDP_ENTITY_ID ?? fail('set SAML_IDP_METADATA_FILE, or SAML_IDP_ENTITY_ID and SAML_IDP_CERTIFICATE.'), certificates: [env.SAML_IDP_CERTIFICATE ?? fail('SAML_IDP_CERTIFICATE is required with SAML_IDP_ENTITY_ID.')] };
  const rules = json(env, 'SAML_ROLE_RULES') ?? fail('SAML_ROLE_RULES is required: without rules, nobody gets a role (deny by default).');
  const routes = json(env, 'SAML_ROUTES') as SamlAuthorizerOptions['routes'];
  const httpApiResponse = env.SAML_HTTP_API_RESPONSE as SamlAuthorizerOptions['httpApiResponse'];
  return {
    verifier: createVerifier({ idp, audience, recipient: env.SAML_RECIPIENT ?? null }),
    roles: createRoleMapper(rules as RoleRule[]),
    routes: routes ?? null,
    header: env.SAML_HEADER ?? null,
    cookie: env.SAML_COOKIE ?? null,
    httpApiResponse: httpApiResponse ?? null,
    // One JSON line per decision for CloudWatch Logs Insights. The identity is summarized, not dumped:
    // attribute values are personal data and do not belong in logs by default.
    onDecision: (d: AuthorizerDecision) => {
      const line: Record<string, unknown> = { audit: 'samlguard', at: d.at, effect: d.effect, event: d.event, resource: d.resource, requestId: d.requestId };
      if (d.effect === 'allow' || d.effect === 'deny') Object.assign(line, { principalId: d.principalId, roles: d.roles, assertionId: d.identity.id, issuer: d.identity.issuer });
      if (d.effect !== 'allow') Object.assign(line, { code: d.effect === 'error' ? undefined : d.code, message: d.message });
      console.log(JSON.stringify(line));
    },
  };
}

// Module scope: runs once per cold start. Metadata is parsed and keys imported here, not per request.
export const handler = createSamlAuthorizer(optionsFromEnvironment(process.env as AuthorizerEnvironment));
