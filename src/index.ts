export { verifyAssertion } from './verify.js';
export { createVerifier, isCacheHit, type Verifier } from './verifier.js';
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
export type { ReplayStore, RequestIdStore, RequestStore } from './stores/types.js';
export {
  MemoryReplayStore,
  MemoryRequestIdStore,
  MemoryRequestStore,
  createMemoryReplayStore,
  createMemoryRequestIdStore,
  createMemoryRequestStore,
  type MemoryStoreOptions,
} from './stores/memory.js';
export {
  createServiceProvider,
  type ServiceProvider,
  type ServiceProviderOptions,
  type SpIdpOptions,
  type SpDecryptionKey,
  type SpVerifierOptions,
  type AuthnRequestResult,
  type AcsResult,
  type LogoutResult,
} from './sp/service-provider.js';
export type { LogoutMessage, VerifiedLogoutRequest } from './sp/logout.js';
export { postFormHtml, POST_FORM_CSP, type PostForm } from './sp/bindings.js';
export * from './token/index.js';
export type { RevocationStore, RevocationTarget, RevocableClaims } from './stores/types.js';
export { MemoryRevocationStore, createMemoryRevocationStore } from './stores/memory.js';
export type { CacheOptions } from './cache/verified-cache.js';
export { createMetadataProvider, type MetadataProvider, type MetadataProviderOptions, type MetadataEvent, type LoadedMetadata } from './metadata/provider.js';
export * from './roles/index.js';
export { auditLog, auditRecord, withEmf, otelTracer, SPAN_STATUS_ERROR, type AuditLogOptions, type AuditRecord, type DecisionLike, type SpanLike, type TracerLike } from './telemetry/index.js';
