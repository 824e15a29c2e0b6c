/**
 * The core's exports as the doors' shared decision code sees them. The build resolves this module to the
 * package itself (tsup.config.ts), so every door shares the core's classes. Only modules of this folder
 * import it, as `./core.js`.
 */
export { SamlGuardError, isSamlGuardError, createRoleMapper, cacheUntil, isRoleName, isCacheHit, SPAN_STATUS_ERROR } from '../../index.js';
