/**
 * The core's exports as the `samlguard/token` entry sees them. The build resolves this module to the
 * package itself (tsup.config.ts), so the entry shares the core's classes (SamlGuardError) instead of
 * bundling copies. Only src/token/entry.ts imports it.
 */
export {
  createTokenIssuer,
  createTokenVerifier,
  DEFAULT_GROUP_ATTRIBUTES,
  TOKEN_TYPE,
  TOKEN_ALGORITHMS,
  createMemoryRevocationStore,
  MemoryRevocationStore,
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
} from '../index.js';
