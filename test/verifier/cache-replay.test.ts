// The verified-assertion cache, replay protection (OneTimeUse, the every-assertion ACS mode) and the
// request-ID store, as the verifier uses them. Real shared stores are tested in test/stores.
import { describe, expect, it, vi } from 'vitest';
import { VALID_NOW } from '../../fixtures/saml.js';
import { createVerifier, SamlGuardError, type ReplayStore, type RequestIdStore } from '../../src/index.js';
import { createMemoryRequestIdStore } from '../../src/stores/memory.js';
import { opts, rejectsWith, response } from '../saml/helpers.js';

const later = (seconds: number): Date => new Date(VALID_NOW.getTime() + seconds * 1000);

describe('verified-assertion cache', () => {
  it('a second presentation of the same bytes is served from the cache, with equal content', async () => {
    const verifier = createVerifier(opts({ cache: { maxEntries: 10 } }));
    const xml = response();
    const first = await verifier.verify(xml);
    expect(verifier.cacheStats()).toMatchObject({ entries: 1 });
    const second = await verifier.verify(xml);
    expect(second).toEqual(first);
    expect(second).not.toBe(first); // each caller gets its own object and Dates
    second.expiresAt.setTime(0);
    expect((await verifier.verify(xml)).expiresAt.getTime()).toBe(first.expiresAt.getTime());
  });

  it('is keyed by the exact input: base64 and XML of the same document are different entries', async () => {
    const verifier = createVerifier(opts({ cache: {} }));
    const xml = response();
    await verifier.verify(xml);
    await verifier.verify(Buffer.from(xml).toString('base64'));
    expect(verifier.cacheStats()?.entries).toBe(2);
  });

  it('never serves an expired entry: the full path then reports EXPIRED', async () => {
    const verifier = createVerifier(opts({ cache: {} }));
    const xml = response();
    await verifier.verify(xml);
    await rejectsWith(verifier.verify(xml, { now: later(3600) }), 'EXPIRED');
    expect(verifier.cacheStats()?.entries).toBe(0);
  });

  it('never serves an entry before its NotBefore (time is re-checked in both directions)', async () => {
    const verifier = createVerifier(opts({ cache: {} }));
    const xml = response();
    await verifier.verify(xml);
    await rejectsWith(verifier.verify(xml, { now: later(-3600) }), 'NOT_YET_VALID');
  });

  it('never caches a rejection', async () => {
    const verifier = createVerifier(opts({ cache: {} }));
    await rejectsWith(verifier.verify(response({ audience: 'https://other.example' })), 'AUDIENCE_MISMATCH');
    expect(verifier.cacheStats()?.entries).toBe(0);
  });

  it('never caches a OneTimeUse assertion', async () => {
    const verifier = createVerifier(opts({ cache: {} }));
    await verifier.verify(response({ extraConditions: '<saml:OneTimeUse/>' }));
    expect(verifier.cacheStats()?.entries).toBe(0);
  });

  it('a result checked against one expected InResponseTo is not served for another', async () => {
    const verifier = createVerifier(opts({ cache: {} }));
    const xml = response({ inResponseTo: '_req1' });
    await verifier.verify(xml, { inResponseTo: '_req1' });
    await rejectsWith(verifier.verify(xml, { inResponseTo: '_req2' }), 'IN_RESPONSE_TO_MISMATCH');
  });

  it('stays within its bounds under a flood of distinct inputs', async () => {
    const verifier = createVerifier(opts({ cache: { maxEntries: 5 } }));
    for (let i = 0; i < 12; i++) await verifier.verify(response({ assertionId: `_flood${i}` }));
    expect(verifier.cacheStats()?.entries).toBe(5);
    const small = createVerifier(opts({ cache: { maxBytes: 4000 } }));
    for (let i = 0; i < 12; i++) await small.verify(response({ assertionId: `_flood${i}` }));
    expect(small.cacheStats()!.bytes).toBeLessThanOrEqual(4000);
  });

  it('rejects bad bounds at creation', () => {
    expect(() => createVerifier(opts({ cache: { maxEntries: 0 } }))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => createVerifier(opts({ cache: { maxBytes: -1 } }))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('is off unless configured', async () => {
    const verifier = createVerifier(opts());
    await verifier.verify(response());
    expect(verifier.cacheStats()).toBeUndefined();
  });
});

describe('replay protection', () => {
  it('API flow (default): the same assertion is accepted on every call until it expires', async () => {
    const verifier = createVerifier(opts());
    const xml = response();
    await verifier.verify(xml);
    await verifier.verify(xml);
    expect(verifier.verifySync(xml).subject.nameId).toBe('alice@example.com');
  });

  it('OneTimeUse: accepted once, then REPLAYED — also through the cache and through verifySync', async () => {
    const verifier = createVerifier(opts({ cache: {} }));
    const xml = response({ extraConditions: '<saml:OneTimeUse/>' });
    expect((await verifier.verify(xml)).oneTimeUse).toBe(true);
    await rejectsWith(verifier.verify(xml), 'REPLAYED');
    expect(() => verifier.verifySync(xml)).toThrow(expect.objectContaining({ code: 'REPLAYED' }));
  });

  it('OneTimeUse: a re-signed copy with the same ID is the same assertion (keyed by issuer + ID)', async () => {
    const verifier = createVerifier(opts());
    await verifier.verify(response({ extraConditions: '<saml:OneTimeUse/>' }));
    await rejectsWith(verifier.verify(response({ extraConditions: '<saml:OneTimeUse/>' }, { sign: 'both' })), 'REPLAYED');
  });

  it("every-assertion mode (Web SSO ACS): every assertion is accepted once", async () => {
    const verifier = createVerifier(opts({ replay: { mode: 'every-assertion' }, cache: {} }));
    const xml = response();
    await verifier.verify(xml);
    await rejectsWith(verifier.verify(xml), 'REPLAYED');
    await verifier.verify(response({ assertionId: '_another' }));
  });

  it('a shared store is consulted with a bounded key and a retention covering the remaining lifetime', async () => {
    const consume = vi.fn<ReplayStore['consume']>().mockResolvedValueOnce(true).mockResolvedValueOnce(false);
    const verifier = createVerifier(opts({ replay: { store: { consume }, mode: 'every-assertion' } }));
    const xml = response();
    const before = Date.now();
    const r = await verifier.verify(xml);
    const [key, until] = consume.mock.calls[0]!;
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const remaining = r.expiresAt.getTime() - VALID_NOW.getTime();
    expect(until.getTime()).toBeGreaterThanOrEqual(before + remaining);
    await rejectsWith(verifier.verify(xml), 'REPLAYED');
  });

  it('a failing store rejects with REPLAY_STORE_UNAVAILABLE — never accepts', async () => {
    const store: ReplayStore = { consume: () => Promise.reject(new Error('connection reset')) };
    const verifier = createVerifier(opts({ replay: { store, mode: 'every-assertion' } }));
    const err = await verifier.verify(response()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SamlGuardError);
    expect(err).toMatchObject({ code: 'REPLAY_STORE_UNAVAILABLE' });
    const throwing: ReplayStore = {
      consume: () => {
        throw new Error('sync failure');
      },
    };
    await rejectsWith(createVerifier(opts({ replay: { store: throwing, mode: 'every-assertion' } })).verify(response()), 'REPLAY_STORE_UNAVAILABLE');
  });

  it('a store answering anything but true is "seen before"', async () => {
    const store = { consume: () => Promise.resolve('yes' as unknown as boolean) };
    await rejectsWith(createVerifier(opts({ replay: { store, mode: 'every-assertion' } })).verify(response()), 'REPLAYED');
  });

  it('verifySync refuses to use an asynchronous store instead of skipping it', () => {
    const verifier = createVerifier(opts({ replay: { store: { consume: () => Promise.resolve(true) }, mode: 'every-assertion' } }));
    expect(() => verifier.verifySync(response())).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('rejects bad replay configuration at creation', () => {
    expect(() => createVerifier(opts({ replay: { mode: 'sometimes' as 'one-time-use' } }))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => createVerifier(opts({ replay: { store: {} as ReplayStore } }))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('request IDs (SP-initiated login)', () => {
  it('a response to an issued request is accepted once', async () => {
    const requestIds = createMemoryRequestIdStore();
    await requestIds.issue('_req42', new Date(Date.now() + 600_000)); // stores keep wall-clock time
    const verifier = createVerifier(opts({ requestIds }));
    const xml = response({ inResponseTo: '_req42' });
    expect((await verifier.verify(xml)).inResponseTo).toBe('_req42');
    await rejectsWith(verifier.verify(xml), 'IN_RESPONSE_TO_MISMATCH');
  });

  it('a response to a request we never issued, or an unsolicited one, is rejected', async () => {
    const requestIds = createMemoryRequestIdStore();
    await requestIds.issue('_mine', new Date(Date.now() + 600_000));
    const verifier = createVerifier(opts({ requestIds }));
    await rejectsWith(verifier.verify(response({ inResponseTo: '_theirs' })), 'IN_RESPONSE_TO_MISMATCH');
    await rejectsWith(verifier.verify(response()), 'IN_RESPONSE_TO_MISMATCH');
  });

  it('a failing request-ID store rejects with REPLAY_STORE_UNAVAILABLE', async () => {
    const requestIds: RequestIdStore = { issue: () => Promise.resolve(), consume: () => Promise.reject(new Error('timeout')) };
    await rejectsWith(createVerifier(opts({ requestIds })).verify(response({ inResponseTo: '_x' })), 'REPLAY_STORE_UNAVAILABLE');
  });
});

describe('revocation check', () => {
  it('runs on every acceptance, fresh and cached; true, throw or rejection refuses with REVOKED', async () => {
    const revokedIds = new Set<string>();
    const verifier = createVerifier(opts({ cache: {}, revocationCheck: (identity) => revokedIds.has(identity.subject.nameId) }));
    const xml = response();
    await verifier.verify(xml); // now cached
    revokedIds.add('alice@example.com');
    await rejectsWith(verifier.verify(xml), 'REVOKED');
    expect(() => verifier.verifySync(xml)).toThrow(expect.objectContaining({ code: 'REVOKED' }));
    await rejectsWith(createVerifier(opts({ revocationCheck: () => { throw new Error('db down'); } })).verify(xml), 'REVOKED');
    await rejectsWith(createVerifier(opts({ revocationCheck: () => Promise.reject(new Error('db down')) })).verify(xml), 'REVOKED');
    await rejectsWith(createVerifier(opts({ revocationCheck: () => undefined as unknown as boolean })).verify(xml), 'REVOKED');
    await expect(createVerifier(opts({ revocationCheck: () => Promise.resolve(false) })).verify(xml)).resolves.toBeDefined();
  });

  it('verifySync refuses an asynchronous check instead of skipping it; bad hooks are CONFIG_INVALID', () => {
    expect(() => createVerifier(opts({ revocationCheck: () => Promise.resolve(false) })).verifySync(response())).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => createVerifier(opts({ revocationCheck: 'no' as unknown as () => boolean }))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
