// The token room's public surface (re-exported by the package root and by `samlguard/token`).
export { createTokenIssuer, DEFAULT_GROUP_ATTRIBUTES, TOKEN_TYPE, type TokenIssuer, type TokenIssuerOptions, type TokenSigningKeyOptions, type TokenClaims, type IssuedToken } from './issuer.js';
export { createTokenVerifier, type TokenVerifier, type TokenVerifierOptions, type VerifiedToken } from './verifier.js';
export { TOKEN_ALGORITHMS, type TokenAlgorithm } from './keys.js';
