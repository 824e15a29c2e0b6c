// `samlguard/telemetry`: audit lines (with CloudWatch EMF) and OpenTelemetry tracing for decisions.
export { auditLog, auditRecord, withEmf, otelTracer, SPAN_STATUS_ERROR, type AuditLogOptions, type AuditRecord, type DecisionLike, type SpanLike, type TracerLike } from './core.js';
