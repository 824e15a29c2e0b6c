// The in-memory stores: the per-process defaults. Expiry runs on an injected clock, so no test waits.
import { describe, expect, it } from 'vitest';
import { MemoryReplayStore, createMemoryReplayStore, createMemoryRequestIdStore, createMemoryRequestStore, createMemoryRevocationStore } from '../../src/stores/memory.js';
import { requestStoreContract, revocationStoreContract } from './contracts.js';
import { rejection, thrown } from './servers.js';

const T0 = Date.UTC(2026, 0, 1);

function clock(start = T0): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('MemoryReplayStore', () => {
  it('accepts an ID once: first consume true, every later one false', async () => {
    const c = clock();
    const store = createMemoryReplayStore({ now: c.now });
    const exp = new Date(T0 + 60_000);
    expect(await store.consume('a', exp)).toBe(true);
    expect(await store.consume('a', exp)).toBe(false);
    expect(await store.consume('a', exp)).toBe(false);
    expect(await store.consume('b', exp)).toBe(true);
  });

  it('forgets an ID once it expires, by its clock', async () => {
    const c = clock();
    const store = createMemoryReplayStore({ now: c.now });
    expect(await store.consume('a', new Date(T0 + 1000))).toBe(true);
    c.advance(999);
    expect(await store.consume('a', new Date(T0 + 1000))).toBe(false);
    c.advance(1);
    expect(await store.consume('a', new Date(T0 + 5000))).toBe(true);
  });

  it('when full of live IDs, refuses with REPLAY_STORE_UNAVAILABLE instead of forgetting one', async () => {
    const c = clock();
    const store = createMemoryReplayStore({ maxEntries: 2, now: c.now });
    const exp = new Date(T0 + 60_000);
    expect(await store.consume('a', exp)).toBe(true);
    expect(await store.consume('b', exp)).toBe(true);
    // The Promise form rejects (it does not throw synchronously); the sync form throws.
    const pending = store.consume('c', exp);
    await rejection(pending, 'REPLAY_STORE_UNAVAILABLE');
    thrown(() => store.consumeSync('c', exp), 'REPLAY_STORE_UNAVAILABLE');
    // Both remembered IDs are still refused: nothing was evicted to make room.
    expect(await store.consume('a', exp)).toBe(false);
    expect(await store.consume('b', exp)).toBe(false);
    expect(store.size).toBe(2);
  });

  it('makes room again once entries expire (swept at most once a second)', async () => {
    const c = clock();
    const store = createMemoryReplayStore({ maxEntries: 1, now: c.now });
    expect(await store.consume('a', new Date(T0 + 500))).toBe(true);
    c.advance(1000);
    expect(await store.consume('b', new Date(T0 + 60_000))).toBe(true);
    expect(store.size).toBe(1);
  });

  it('rejects an invalid maxEntries at creation', () => {
    for (const maxEntries of [0, -1, 1.5, Number.NaN]) thrown(() => new MemoryReplayStore({ maxEntries }), 'CONFIG_INVALID');
  });
});

describe('MemoryRequestIdStore', () => {
  it('consumes an issued ID exactly once; unknown IDs are false', async () => {
    const c = clock();
    const store = createMemoryRequestIdStore({ now: c.now });
    await store.issue('req-1', new Date(T0 + 60_000));
    expect(await store.consume('req-2')).toBe(false);
    expect(await store.consume('req-1')).toBe(true);
    expect(await store.consume('req-1')).toBe(false);
    expect(store.consumeSync('req-1')).toBe(false);
  });

  it('does not consume an expired ID', async () => {
    const c = clock();
    const store = createMemoryRequestIdStore({ now: c.now });
    await store.issue('req-1', new Date(T0 + 1000));
    c.advance(1000);
    expect(await store.consume('req-1')).toBe(false);
  });

  it('when full, issue rejects with REPLAY_STORE_UNAVAILABLE', async () => {
    const c = clock();
    const store = createMemoryRequestIdStore({ maxEntries: 1, now: c.now });
    await store.issue('req-1', new Date(T0 + 60_000));
    await rejection(store.issue('req-2', new Date(T0 + 60_000)), 'REPLAY_STORE_UNAVAILABLE');
    expect(await store.consume('req-1')).toBe(true);
  });
});

describe('the memory stores pass the shared store contracts', () => {
  requestStoreContract(() => createMemoryRequestStore());
  revocationStoreContract(() => createMemoryRevocationStore());

  it('a full revocation store refuses a new revocation rather than forgetting a live one', async () => {
    const store = createMemoryRevocationStore({ maxEntries: 2 });
    await store.revoke({ jti: 'a' }, new Date(Date.now() + 60_000));
    await store.revoke({ jti: 'b' }, new Date(Date.now() + 60_000));
    await expect(store.revoke({ jti: 'c' }, new Date(Date.now() + 60_000))).rejects.toMatchObject({ code: 'REVOCATION_STORE_UNAVAILABLE' });
    expect(await store.isRevoked({ sub: 'x', jti: 'a', iat: 0 })).toBe(true);
  });
});
