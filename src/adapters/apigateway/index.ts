// `samlguard/apigateway`: the API Gateway Lambda authorizer. A separate entry (never imported by the
// core's index), so `import 'samlguard'` carries no adapter code.
export {
  createSamlAuthorizer,
  type SamlAuthorizerOptions,
  type SamlAuthorizerHandler,
  type SamlAuthorizerEvent,
  type SamlAuthorizerContext,
  type SamlPolicyResult,
  type SamlSimpleResult,
  type AuthorizerDecision,
  type AllowDecision,
  type DenyDecision,
  type UnauthorizedDecision,
  type ErrorDecision,
  type AuthorizerEventKind,
} from './authorizer.js';
export { createAcsHandler, type AcsHandler, type AcsHandlerOptions } from './sign-in.js';
export { createTokenHandler, SAML2_BEARER_GRANT, type TokenHandler, type TokenHandlerOptions } from './token-endpoint.js';
export type { ProxyResult } from './http.js';
