// `samlguard/token`: short-lived access tokens (issue, verify, JWK Set) and the revocation store interface.
// The same functions are exported by the package root; this subpath names the capability.
export {
  createTokenIssuer,
  createTokenVerifier,
  DEFAULT_GROUP_ATTRIBUTES,
  TOKEN_TYPE,
  TOKEN_ALGORITHMS,
  createMemoryRevocationStore,
  MemoryRevocationStore,
  type TokenIssuer,
  type TokenIssuerOptions,
  type TokenSigningKeyOptions,
  type TokenClaims,
  type IssuedToken,
  type TokenVerifier,
  type TokenVerifierOptions,
  type VerifiedToken,
  type TokenAlgorithm,
  type RevocationStore,
  type RevocationTarget,
  type RevocableClaims,
} from './core.js';
