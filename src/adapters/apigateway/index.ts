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
