/**
 * The core's exports as the `samlguard/telemetry` entry sees them (resolved to the package itself by the
 * build, so the classes are the core's). Only src/telemetry/entry.ts imports it.
 */
export { auditLog, auditRecord, withEmf, otelTracer, SPAN_STATUS_ERROR } from '../index.js';
export type { AuditLogOptions, AuditRecord, DecisionLike, SpanLike, TracerLike } from '../index.js';
