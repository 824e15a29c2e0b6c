// createMetadataProvider against a real HTTP server on 127.0.0.1: changing metadata (key rotation),
// errors, slow answers past the timeout, oversized bodies; and verifiers that read it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { idpMetadata, signedIdpMetadata } from '../../fixtures/metadata.js';
import { signedResponse, TEST_ACS, TEST_IDP, TEST_SP, VALID_NOW } from '../../fixtures/saml.js';
import { createMetadataProvider, createVerifier, SamlGuardError, type MetadataEvent } from '../../src/index.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let base = '';
let handler: Handler = (_req, res) => res.end(idpMetadata());
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const serve = (body: string, status = 200): Handler => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/samlmetadata+xml' });
  res.end(body);
};

function provider(extra: Partial<Parameters<typeof createMetadataProvider>[0]> = {}) {
  const events: MetadataEvent[] = [];
  const p = createMetadataProvider({ url: `${base}/metadata`, autoRefresh: false, minRefreshIntervalSeconds: 1, timeoutMs: 500, onEvent: (e) => events.push(e), ...extra });
  return { p, events };
}

const verifierOf = (metadata: ReturnType<typeof createMetadataProvider>, extra = {}) =>
  createVerifier({ idp: { metadata }, audience: TEST_SP, recipient: TEST_ACS, now: VALID_NOW, ...extra });

async function code(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof SamlGuardError) return err.code;
    throw err;
  }
  return undefined;
}

describe('createMetadataProvider', () => {
  it('loads metadata, and a verifier trusts its keys', async () => {
    handler = serve(idpMetadata());
    const { p } = provider();
    const verifier = verifierOf(p);
    expect(await code(verifier.verify(signedResponse()))).toBe('METADATA_UNAVAILABLE'); // nothing loaded, nothing fetched
    await verifier.hydrate();
    expect(verifier.entityId).toBe(TEST_IDP);
    await expect(verifier.verify(signedResponse())).resolves.toMatchObject({ issuer: TEST_IDP });
  });

  it('never fetches on the verify path', async () => {
    handler = serve(idpMetadata());
    const { p } = provider();
    const verifier = verifierOf(p);
    await verifier.hydrate();
    const before = hits;
    for (let i = 0; i < 5; i++) await verifier.verify(signedResponse());
    expect(hits).toBe(before);
  });

  it('hydrate(xml) loads a bundled copy without fetching', async () => {
    const before = hits;
    const { p } = provider();
    const verifier = verifierOf(p);
    await verifier.hydrate(idpMetadata());
    expect(hits).toBe(before);
    await expect(verifier.verify(signedResponse())).resolves.toBeDefined();
  });

  it('rotation: both keys verify mid-rotation; a key no longer listed fails with KEY_NOT_TRUSTED naming its certificate', async () => {
    handler = serve(idpMetadata({ signing: ['rsa2048', 'rsa2048-next'] }));
    const { p, events } = provider();
    const verifier = verifierOf(p, { cache: {} });
    await verifier.hydrate();
    const oldSigned = signedResponse({}, { keyName: 'rsa2048' });
    await expect(verifier.verify(oldSigned)).resolves.toBeDefined(); // now cached
    await expect(verifier.verify(signedResponse({}, { keyName: 'rsa2048-next' }))).resolves.toBeDefined();

    handler = serve(idpMetadata({ signing: ['rsa2048-next'] }));
    await verifier.refresh();
    expect(events.at(-1)).toMatchObject({ ok: true, changed: true });
    const err = await verifier.verify(oldSigned).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'KEY_NOT_TRUSTED' }); // the cached result is not served after rotation
    expect((err as Error).message).toContain(loadKeyPair('rsa2048').certificate.fingerprint256);
    await expect(verifier.verify(signedResponse({}, { keyName: 'rsa2048-next' }))).resolves.toBeDefined();
  });

  it('keeps the last good metadata when a refresh fails or serves something invalid, and reports it', async () => {
    handler = serve(idpMetadata());
    const { p, events } = provider();
    const verifier = verifierOf(p);
    await verifier.hydrate();
    for (const bad of [serve('oops', 500), serve('<html>login page</html>'), serve(idpMetadata({ signing: [], encryption: ['rsa2048'] }))]) {
      handler = bad;
      await expect(p.refresh({ force: true })).rejects.toBeInstanceOf(SamlGuardError);
      expect(events.at(-1)).toMatchObject({ ok: false, keptPrevious: true });
      await expect(verifier.verify(signedResponse())).resolves.toBeDefined();
    }
    expect(events.filter((e) => !e.ok).map((e) => (e as { error: SamlGuardError }).error.code)).toEqual(['METADATA_UNAVAILABLE', 'METADATA_INVALID', 'METADATA_INVALID']);
  });

  it('a slow server is cut off at timeoutMs', async () => {
    handler = (_req, res) => {
      setTimeout(() => res.end(idpMetadata()), 2000).unref();
    };
    const { p } = provider({ timeoutMs: 200 });
    const started = Date.now();
    expect(await code(p.refresh())).toBe('METADATA_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('an oversized body is refused, declared or streamed', async () => {
    handler = serve(idpMetadata() + ' '.repeat(20_000));
    expect(await code(provider({ maxBytes: 10_000 }).p.refresh())).toBe('METADATA_INVALID');
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' }); // chunked: no content-length
      for (let i = 0; i < 30; i++) res.write(' '.repeat(1000));
      res.end(idpMetadata());
    };
    expect(await code(provider({ maxBytes: 10_000 }).p.refresh())).toBe('METADATA_INVALID');
  });

  it('de-duplicates concurrent refreshes', async () => {
    handler = (_req, res) => {
      setTimeout(() => res.end(idpMetadata()), 100).unref();
    };
    const { p } = provider();
    const before = hits;
    await Promise.all([p.refresh(), p.refresh(), p.refresh(), p.hydrate()]);
    expect(hits - before).toBe(1);
  });

  it('honours minRefreshIntervalSeconds for requested refreshes unless forced', async () => {
    handler = serve(idpMetadata());
    const { p } = provider({ minRefreshIntervalSeconds: 3600 });
    await p.refresh({ force: true });
    const before = hits;
    await p.refresh();
    expect(hits).toBe(before);
    await p.refresh({ force: true });
    expect(hits).toBe(before + 1);
  });

  it('refuses metadata past its validUntil unless opted in', async () => {
    handler = serve(idpMetadata({ validUntil: '2001-01-01T00:00:00Z' }));
    expect(await code(provider().p.refresh())).toBe('METADATA_EXPIRED');
    const lenient = provider({ allowExpired: true }).p;
    await expect(lenient.refresh()).resolves.toBeDefined();
    await expect(verifierOf(lenient).verify(signedResponse())).resolves.toBeDefined();
  });

  it('stops trusting loaded metadata once its validUntil passes', async () => {
    let clock = Date.parse('2090-01-01T00:00:00Z');
    handler = serve(idpMetadata({ validUntil: '2090-06-01T00:00:00Z' }));
    const { p } = provider({ now: () => clock });
    await p.refresh();
    const verifier = verifierOf(p, { now: undefined });
    expect(await code(verifier.verify(signedResponse(), { now: VALID_NOW }))).toBe(undefined);
    clock = Date.parse('2090-07-01T00:00:00Z');
    expect(await code(verifier.verify(signedResponse(), { now: new Date(clock) }))).toBe('METADATA_EXPIRED');
  });

  it('pinned metadata signing certificates: signed metadata loads, unsigned is refused', async () => {
    handler = serve(signedIdpMetadata());
    const pinned = provider({ metadataSigningCertificates: [loadKeyPair('rsa2048-next').certificatePem] }).p;
    await expect(pinned.refresh()).resolves.toMatchObject({ metadata: { signatureVerified: true } });
    handler = serve(idpMetadata());
    expect(await code(provider({ metadataSigningCertificates: [loadKeyPair('rsa2048-next').certificatePem] }).p.refresh())).toBe('METADATA_INVALID');
  });

  it('a faulty onEvent hook does not break loading', async () => {
    handler = serve(idpMetadata());
    const p = createMetadataProvider({ url: `${base}/m`, autoRefresh: false, onEvent: () => { throw new Error('hook bug'); } });
    await expect(p.refresh()).resolves.toBeDefined();
  });

  it('refreshes in the background on a timer, and close() stops it', async () => {
    handler = serve(idpMetadata({ cacheDuration: 'PT0.2S' }));
    const { p } = createProviderWithTimer();
    await p.refresh();
    const before = hits;
    await new Promise((r) => setTimeout(r, 700));
    expect(hits).toBeGreaterThan(before);
    p.close();
    const after = hits;
    await new Promise((r) => setTimeout(r, 500));
    expect(hits).toBe(after);
  });

  it('validates its options at creation', () => {
    expect(() => createMetadataProvider({ url: 'not a url' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => createMetadataProvider({ url: 'ftp://x/y' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => createMetadataProvider({ url: `${base}/m`, timeoutMs: 0 })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => createMetadataProvider({ url: `${base}/m`, metadataSigningCertificates: [] })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

function createProviderWithTimer() {
  return { p: createMetadataProvider({ url: `${base}/metadata`, minRefreshIntervalSeconds: 0.1, timeoutMs: 500 }) };
}

describe('static metadata in createVerifier', () => {
  it('is parsed once; an invalid document is CONFIG_INVALID', () => {
    expect(() => createVerifier({ idp: { metadata: '<x/>' }, audience: TEST_SP })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('past its validUntil, its keys stop being trusted (METADATA_EXPIRED) unless allowExpiredMetadata', async () => {
    const metadata = idpMetadata({ validUntil: '2026-01-15T09:00:00Z' });
    expect(await code(createVerifier({ idp: { metadata }, audience: TEST_SP, now: VALID_NOW }).verify(signedResponse()))).toBe('METADATA_EXPIRED');
    await expect(createVerifier({ idp: { metadata, allowExpiredMetadata: true }, audience: TEST_SP, now: VALID_NOW }).verify(signedResponse())).resolves.toBeDefined();
  });

  it('pinned metadata signing certificates are enforced for static metadata too', () => {
    const pin = [loadKeyPair('rsa2048-next').certificatePem];
    expect(() => createVerifier({ idp: { metadata: idpMetadata(), metadataSigningCertificates: pin }, audience: TEST_SP })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(createVerifier({ idp: { metadata: signedIdpMetadata(), metadataSigningCertificates: pin }, audience: TEST_SP }).entityId).toBe(TEST_IDP);
  });
});
