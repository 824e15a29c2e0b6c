/**
 * The core's exports as the `samlguard/apigateway` entry sees them. The build resolves this module to the
 * package itself (tsup.config.ts), so the adapter shares the core's SamlGuardError class and role mapper:
 * a bundled copy would be a second class that `instanceof SamlGuardError` (and the verifier the user
 * created with the core) would not recognise. Only modules of this folder import it, as `./core.js`.
 */
export { SamlGuardError, isSamlGuardError, createRoleMapper, cacheUntil, isRoleName, ERROR_CODES, parseSamlPostBody, postFormHtml, POST_FORM_CSP, createMemoryReplayStore, isCacheHit, SPAN_STATUS_ERROR } from '../../index.js';
