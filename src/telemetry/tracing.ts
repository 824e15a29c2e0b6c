// Traces through OpenTelemetry, without depending on it: the authorizer takes any tracer with
// `startActiveSpan` (the @opentelemetry/api Tracer), and `otelTracer()` loads @opentelemetry/api only
// when called. Without a tracer nothing is loaded and the hot path does no extra work.

import { loadOtel } from './load-otel.js';

/** The part of an OpenTelemetry Span samlguard uses. */
export interface SpanLike {
  setAttribute(key: string, value: string | number | boolean): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}

/** The part of an OpenTelemetry Tracer samlguard uses. */
export interface TracerLike {
  startActiveSpan<F extends (span: SpanLike) => unknown>(name: string, fn: F): ReturnType<F>;
}

/** OpenTelemetry's SpanStatusCode.ERROR. */
export const SPAN_STATUS_ERROR = 2;

/**
 * The `samlguard` tracer from @opentelemetry/api (an optional peer dependency), or undefined when it is
 * not installed. With the AWS Distro for OpenTelemetry Lambda layer its spans reach X-Ray. On the web
 * build (edge runtimes) it is always undefined: pass `trace.getTracer('samlguard')` as `tracer` instead.
 */
export async function otelTracer(version?: string): Promise<TracerLike | undefined> {
  try {
    const api = (await loadOtel()) as { trace: { getTracer(name: string, version?: string): TracerLike } };
    return api.trace.getTracer('samlguard', version);
  } catch {
    return undefined;
  }
}
