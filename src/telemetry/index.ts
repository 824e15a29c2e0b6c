// The telemetry room's public surface (re-exported by the package root and by `samlguard/telemetry`).
export { auditLog, auditRecord, withEmf, type AuditLogOptions, type AuditRecord, type DecisionLike } from './audit.js';
export { otelTracer, SPAN_STATUS_ERROR, type SpanLike, type TracerLike } from './tracing.js';
