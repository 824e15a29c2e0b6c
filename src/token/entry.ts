// `samlguard/token`: short-lived access tokens (issue, verify, JWK Set) and the revocation store interface.
// The same functions are exported by the package root; this subpath names the capability.
export * from './core.js';
