export { verifyAssertion } from './verify.js';
export { createVerifier, type Verifier } from './verifier.js';
export { SamlGuardError, isSamlGuardError, ERROR_CODES, type ErrorCode, type SamlGuardErrorOptions } from './errors.js';
export type {
  VerifyOptions,
  PerCallOptions,
  IdpOptions,
  Clock,
  VerifiedAssertion,
  SubjectInfo,
  AttributeInfo,
  SignatureInfo,
  SpOptions,
} from './types.js';
export type { DecryptionKeyInput } from './xmlenc/decrypt.js';
export { parseSamlPostBody } from './xml/input.js';
export { parseIdpMetadata, type IdpMetadata, type ParseMetadataOptions } from './metadata/parse.js';
export { parseXml, DEFAULT_PARSE_LIMITS, type ParseLimits, type ParsedXml } from './xml/parse.js';
export { verifySignedElement, type Verified, type VerifiedSignature, type DsigPolicy, type SignatureAlgorithms } from './dsig/verify.js';
export { importTrustedKeys, type TrustedKey, type KeyInput } from './keys/index.js';
export { canonicalize, C14N, type C14nAlgorithm, type C14nOptions } from './c14n/index.js';
export type { ReplayStore, RequestIdStore } from './stores/types.js';
export { MemoryReplayStore, MemoryRequestIdStore, createMemoryReplayStore, createMemoryRequestIdStore, type MemoryStoreOptions } from './stores/memory.js';
export type { CacheOptions } from './cache/verified-cache.js';
export { createMetadataProvider, type MetadataProvider, type MetadataProviderOptions, type MetadataEvent, type LoadedMetadata } from './metadata/provider.js';
export {
  createRoleMapper,
  mapRoles,
  isRoleName,
  cacheUntil,
  SAML_ATTRIBUTES,
  readAwsRoles,
  readAwsRoleSessionName,
  readAwsSessionDuration,
  readAwsPrincipalTags,
  readEntraGroups,
  readAdfsGroups,
  readGroups,
  type RoleRule,
  type RoleMapper,
  type RoleMapperOptions,
  type AttributeSelector,
  type AwsRole,
  type EntraGroups,
} from './roles/index.js';
