// Claim-to-role mapping: pure functions of a VerifiedAssertion (no AWS SDK, no I/O, no clock).
export { createRoleMapper, mapRoles, isRoleName, type RoleRule, type RoleMapper, type RoleMapperOptions, type AttributeSelector } from './mapper.js';
export {
  SAML_ATTRIBUTES,
  readAwsRoles,
  readAwsRoleSessionName,
  readAwsSessionDuration,
  readAwsPrincipalTags,
  readEntraGroups,
  readAdfsGroups,
  readGroups,
  cacheUntil,
  type AwsRole,
  type EntraGroups,
} from './claims.js';
