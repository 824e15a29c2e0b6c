/**
 * The core's exports as the capability entries (`samlguard/token`, `samlguard/telemetry`) see them. The
 * build resolves this module to the package itself (tsup.config.ts), so those entries hand out the core's
 * own functions and classes instead of bundling copies. Only the files of this folder import it.
 */
export * from '../index.js';
