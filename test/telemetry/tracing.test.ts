// Spans through the real OpenTelemetry SDK (in-memory exporter): samlguard.authorize under the incoming
// context, samlguard.verify under it, with the documented attributes.
import { context, trace } from '@opentelemetry/api';
import { AsyncHooksContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedResponse, VALID_NOW } from '../../fixtures/saml.js';
import { createSamlAuthorizer } from '../../src/adapters/apigateway/index.js';
import { createVerifier, otelTracer } from '../../src/index.js';
import { tokenEvent } from '../adapters/apigateway/events.js';
import { opts } from '../saml/helpers.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const contextManager = new AsyncHooksContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  await provider.shutdown();
  context.disable();
  trace.disable();
});

const RULES = [{ attribute: 'groups', equals: 'engineering', role: 'developer' }];
const credential = (xml = signedResponse({ attributes: { groups: ['engineering'] } })) => `SAML ${Buffer.from(xml).toString('base64')}`;

describe('tracing', () => {
  it('otelTracer() loads @opentelemetry/api when installed; each call gets samlguard.authorize (child of the incoming span) → samlguard.verify', async () => {
    exporter.reset();
    const tracer = await otelTracer('test');
    expect(tracer).toBeDefined();
    const handler = createSamlAuthorizer({ verifier: createVerifier({ ...opts(), cache: { maxEntries: 10 } }), roles: RULES, now: VALID_NOW, tracer: tracer! });
    const incoming = trace.getTracer('lambda').startSpan('lambda.invoke');
    await context.with(trace.setSpan(context.active(), incoming), async () => {
      await handler(tokenEvent(credential()));
      await handler(tokenEvent(credential())); // a cache hit
    });
    incoming.end();
    const spans = exporter.getFinishedSpans();
    const authorize = spans.filter((s) => s.name === 'samlguard.authorize');
    const verify = spans.filter((s) => s.name === 'samlguard.verify');
    expect(authorize).toHaveLength(2);
    expect(verify).toHaveLength(2);
    for (const [i, a] of authorize.entries()) {
      expect(a.parentSpanContext?.spanId).toBe(incoming.spanContext().spanId);
      expect(a.spanContext().traceId).toBe(incoming.spanContext().traceId);
      expect(verify[i]!.parentSpanContext?.spanId).toBe(a.spanContext().spanId);
      expect(a.attributes).toMatchObject({ 'samlguard.outcome': 'allow', 'samlguard.credential': 'SAML', 'samlguard.roles': 'developer' });
    }
    expect(verify[0]!.attributes).toMatchObject({
      'samlguard.outcome': 'verified',
      'samlguard.issuer': 'https://idp.samlguard.test/metadata',
      'samlguard.assertion_id': '_a0b1c2d3e4f5061728394a5b6c7d8e9f',
      'samlguard.cache_hit': false,
      'samlguard.credential': 'SAML',
      'samlguard.input_bytes': expect.any(Number),
    });
    expect(verify[1]!.attributes['samlguard.cache_hit']).toBe(true);
  });

  it('a refusal is an outcome with its code, not a span error; the authorize span says unauthorized', async () => {
    exporter.reset();
    const handler = createSamlAuthorizer({ verifier: createVerifier(opts()), roles: RULES, now: VALID_NOW, tracer: (await otelTracer())! });
    await expect(handler(tokenEvent(credential(signedResponse().replace('alice@', 'eve@'))))).rejects.toThrow('Unauthorized');
    const [verify, authorize] = exporter.getFinishedSpans();
    expect(verify!.attributes).toMatchObject({ 'samlguard.outcome': 'refused', 'samlguard.code': 'DIGEST_MISMATCH' });
    expect(authorize!.attributes).toMatchObject({ 'samlguard.outcome': 'unauthorized', 'samlguard.code': 'DIGEST_MISMATCH' });
    expect(authorize!.status.code).toBe(0);
  });
});
