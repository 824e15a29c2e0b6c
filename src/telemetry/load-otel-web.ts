/**
 * The web build's stand-in for load-otel.ts: edge bundlers (wrangler, miniflare) refuse a module with
 * an import whose specifier is not a literal, so nothing is loaded here. On an edge runtime, pass
 * `tracer: trace.getTracer('samlguard')` from your own @opentelemetry/api import instead.
 */
export async function loadOtel(): Promise<unknown> {
  throw new Error('@opentelemetry/api is not loaded on the web build; pass a tracer.');
}
