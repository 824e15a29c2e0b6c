// `samlguard/telemetry`: audit lines (with CloudWatch EMF) and OpenTelemetry tracing for decisions.
export * from './core.js';
