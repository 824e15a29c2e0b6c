/**
 * The core's exports as the capability entries (`samlguard/token`, `samlguard/telemetry`) see them. The
 * build resolves this module to the package itself (tsup.config.ts), so those entries hand out the core's
 * own functions and classes instead of bundling copies. Only the files of this folder import it.
 */
export {
  createTokenIssuer,
  createTokenVerifier,
  DEFAULT_GROUP_ATTRIBUTES,
  TOKEN_TYPE,
  TOKEN_ALGORITHMS,
  createMemoryRevocationStore,
  MemoryRevocationStore,
  auditLog,
  auditRecord,
  withEmf,
  otelTracer,
  SPAN_STATUS_ERROR,
} from '../index.js';
export type {
  TokenIssuer,
  TokenIssuerOptions,
  TokenSigningKeyOptions,
  TokenClaims,
  IssuedToken,
  TokenVerifier,
  TokenVerifierOptions,
  VerifiedToken,
  TokenAlgorithm,
  RevocationStore,
  RevocationTarget,
  RevocableClaims,
  AuditLogOptions,
  AuditRecord,
  DecisionLike,
  SpanLike,
  TracerLike,
} from '../index.js';
