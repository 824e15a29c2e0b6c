/**
 * The core's exports as the `samlguard/fetch` entry sees them (resolved to the package itself by the
 * build, so the classes are the core's). Only modules of this folder import it, as `./core.js`.
 */
export { SamlGuardError, isSamlGuardError, ERROR_CODES } from '../../index.js';
