/**
 * The core's exports as the shared-store entries (`samlguard/stores/redis`, `samlguard/stores/dynamodb`)
 * see them. The build resolves this module to the package itself (tsup.config.ts), so those entries throw
 * the one SamlGuardError class the core exports: a bundled copy would be a second class, and
 * `instanceof SamlGuardError` / `isSamlGuardError` would be false for their errors.
 * Only src/stores modules that belong to those entries import it; the core imports ../errors.js directly.
 */
export { SamlGuardError } from '../errors.js';
