// The acceptance step (src/verifier/acceptance.ts): the verified-assertion cache serves a result only while
// every time rule would still pass (checked at the exact bounds, isCacheHit telling a hit from a fresh
// verification), and verifySync applies the same revocation, request-ID and replay rules as verify.
import { describe, expect, it } from 'vitest';
import { createVerifier, isCacheHit, SamlGuardError } from '../../src/index.js';
import { opts, response } from '../saml/helpers.js';

const SKEW_MS = 30_000;

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    const r = await p;
    return isCacheHit(r as never) ? 'cache' : 'fresh';
  } catch (err) {
    if (err instanceof SamlGuardError) return err.code;
    throw err;
  }
}

describe('verified-assertion cache bounds', () => {
  it('a repeat is a cache hit, a first verification is not; each gets its own Dates', async () => {
    const v = createVerifier(opts({ cache: {} }));
    const xml = response();
    const a = await v.verify(xml);
    expect(isCacheHit(a)).toBe(false);
    const b = await v.verify(xml);
    expect(isCacheHit(b)).toBe(true);
    expect(isCacheHit(await v.verify(xml))).toBe(true);
    for (const k of ['issueInstant', 'expiresAt', 'notBefore', 'notOnOrAfter', 'sessionNotOnOrAfter', 'authnInstant'] as const) {
      if (a[k] === undefined) continue;
      expect(b[k], k).toEqual(a[k]);
      expect(b[k], k).not.toBe(a[k]);
    }
    expect(a.notBefore).toBeDefined();
    expect(a.authnInstant).toBeDefined();
  });

  it('is served up to the last millisecond the time rules allow, and not one after', async () => {
    const v = createVerifier(opts({ cache: {}, clockSkewSeconds: SKEW_MS / 1000 }));
    const xml = response();
    const r = await v.verify(xml);
    const expires = r.expiresAt.getTime();
    expect(await outcome(v.verify(xml, { now: new Date(expires + SKEW_MS - 1) }))).toBe('cache');
    expect(await outcome(v.verify(xml, { now: new Date(expires + SKEW_MS) }))).toBe('EXPIRED');
  });

  it('before NotBefore and IssueInstant, with the skew, it is not served', async () => {
    const v = createVerifier(opts({ cache: {}, clockSkewSeconds: SKEW_MS / 1000 }));
    const xml = response();
    const r = await v.verify(xml);
    const earliest = Math.max(r.notBefore?.getTime() ?? -Infinity, r.issueInstant.getTime()) - SKEW_MS;
    expect(await outcome(v.verify(xml, { now: new Date(earliest) }))).toBe('cache');
    expect(await outcome(v.verify(xml, { now: new Date(earliest - 1) }))).not.toBe('cache');
  });

  it('an entry found too late is dropped, and the next presentation verifies afresh', async () => {
    const v = createVerifier(opts({ cache: {}, clockSkewSeconds: SKEW_MS / 1000 }));
    const xml = response();
    const r = await v.verify(xml);
    expect(v.cacheStats()?.entries).toBe(1);
    await outcome(v.verify(xml, { now: new Date(r.expiresAt.getTime() + SKEW_MS) }));
    expect(v.cacheStats()?.entries).toBe(0);
  });
});

describe('verifySync: the same acceptance rules as verify', () => {
  const code = (run: () => unknown): string => {
    try {
      run();
      return 'accepted';
    } catch (err) {
      if (err instanceof SamlGuardError) return err.code;
      throw err;
    }
  };

  it('revocationCheck: false accepts; true, anything else or a throw refuses with REVOKED', () => {
    const xml = response();
    expect(code(() => createVerifier(opts({ revocationCheck: () => false })).verifySync(xml))).toBe('accepted');
    expect(code(() => createVerifier(opts({ revocationCheck: () => true })).verifySync(xml))).toBe('REVOKED');
    expect(code(() => createVerifier(opts({ revocationCheck: () => undefined as unknown as boolean })).verifySync(xml))).toBe('REVOKED');
    expect(code(() => createVerifier(opts({ revocationCheck: () => { throw new Error('db down'); } })).verifySync(xml))).toBe('REVOKED');
  });

  it('requestIds: a response to an issued request is accepted once; unsolicited or unknown ones are refused', async () => {
    const { createMemoryRequestIdStore } = await import('../../src/stores/memory.js');
    const requestIds = createMemoryRequestIdStore();
    await requestIds.issue('_req7', new Date(Date.now() + 600_000));
    const v = createVerifier(opts({ requestIds }));
    const xml = response({ inResponseTo: '_req7' });
    expect(code(() => v.verifySync(xml))).toBe('accepted');
    expect(code(() => v.verifySync(xml))).toBe('IN_RESPONSE_TO_MISMATCH');
    expect(code(() => v.verifySync(response()))).toBe('IN_RESPONSE_TO_MISMATCH');
    expect(code(() => v.verifySync(response({ inResponseTo: '_other' })))).toBe('IN_RESPONSE_TO_MISMATCH');
    // An asynchronous store cannot be consulted synchronously: refused, never skipped.
    const asyncOnly = { issue: () => Promise.resolve(), consume: () => Promise.resolve(true) };
    expect(code(() => createVerifier(opts({ requestIds: asyncOnly })).verifySync(xml))).toBe('CONFIG_INVALID');
  });

  it('replay (the default API mode): the same assertion is accepted on every call', () => {
    const v = createVerifier(opts());
    const xml = response();
    expect(code(() => v.verifySync(xml))).toBe('accepted');
    expect(code(() => v.verifySync(xml))).toBe('accepted');
  });

  it('replay (every assertion): accepted once, then REPLAYED; a store that throws is REPLAY_STORE_UNAVAILABLE', async () => {
    const v = createVerifier(opts({ replay: { mode: 'every-assertion' } }));
    const xml = response({ assertionId: '_sync-replay' });
    expect(code(() => v.verifySync(xml))).toBe('accepted');
    expect(code(() => v.verifySync(xml))).toBe('REPLAYED');
    const { createMemoryReplayStore } = await import('../../src/stores/memory.js');
    const store = createMemoryReplayStore();
    (store as unknown as { consumeSync: () => boolean }).consumeSync = () => {
      throw new Error('down');
    };
    expect(code(() => createVerifier(opts({ replay: { mode: 'every-assertion', store } })).verifySync(response()))).toBe('REPLAY_STORE_UNAVAILABLE');
  });
});

describe('acceptance rules that a permissive store or an early clock must not bypass', () => {
  const code = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
      return 'accepted';
    } catch (err) {
      if (err instanceof SamlGuardError) return err.code;
      throw err;
    }
  };
  const syncCode = (run: () => unknown): Promise<string> => code(Promise.resolve().then(run));

  it('with requestIds, a response that answers no request is refused even by a store that says yes to everything', async () => {
    const yes = { issue: () => Promise.resolve(), consume: () => Promise.resolve(true), consumeSync: () => true };
    const v = createVerifier(opts({ requestIds: yes }));
    expect(await code(v.verify(response()))).toBe('IN_RESPONSE_TO_MISMATCH');
    expect(await syncCode(() => v.verifySync(response()))).toBe('IN_RESPONSE_TO_MISMATCH');
    expect(await code(v.verify(response({ inResponseTo: '_req1' })))).toBe('accepted');
  });

  it("a store's own SamlGuardError keeps its code; any other failure is REPLAY_STORE_UNAVAILABLE", async () => {
    const own = new SamlGuardError('REVOCATION_STORE_UNAVAILABLE', 'the store says so');
    const throwing = { issue: () => Promise.resolve(), consume: () => Promise.reject(own), consumeSync: () => { throw own; } };
    const v = createVerifier(opts({ requestIds: throwing }));
    const xml = response({ inResponseTo: '_req1' });
    expect(await code(v.verify(xml))).toBe('REVOCATION_STORE_UNAVAILABLE');
    expect(await syncCode(() => v.verifySync(xml))).toBe('REVOCATION_STORE_UNAVAILABLE');
  });

  it('a cached result is not served before NotBefore (later than IssueInstant) minus the skew', async () => {
    const xml = response({}, { edit: (doc) => {
      const c = doc.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'Conditions')[0]!;
      c.setAttribute('NotBefore', new Date(Date.parse(c.getAttribute('NotBefore')!) + 40_000).toISOString());
    } });
    const v = createVerifier(opts({ cache: {}, clockSkewSeconds: SKEW_MS / 1000 }));
    const r = await v.verify(xml);
    const earliest = r.notBefore!.getTime() - SKEW_MS;
    expect(earliest).toBeGreaterThan(r.issueInstant.getTime() - SKEW_MS);
    expect(await outcome(v.verify(xml, { now: new Date(earliest) }))).toBe('cache');
    expect(await outcome(v.verify(xml, { now: new Date(earliest - 1) }))).toBe('NOT_YET_VALID');
  });

  it('an assertion without NotBefore is cached and served like any other', async () => {
    const xml = response({}, { edit: (doc) => doc.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'Conditions')[0]!.removeAttribute('NotBefore') });
    const v = createVerifier(opts({ cache: {} }));
    expect(await outcome(v.verify(xml))).toBe('fresh');
    expect(await outcome(v.verify(xml))).toBe('cache');
  });

  it('the replay store is asked to remember an assertion for its remaining lifetime plus the skew', async () => {
    const calls: Array<{ key: string; until: Date; at: number }> = [];
    const store = { consume: (key: string, until: Date) => { calls.push({ key, until, at: Date.now() }); return Promise.resolve(true); } };
    const v = createVerifier(opts({ replay: { mode: 'every-assertion', store }, clockSkewSeconds: SKEW_MS / 1000 }));
    const r = await v.verify(response());
    const now = opts().now as Date;
    expect(calls).toHaveLength(1);
    const expected = calls[0]!.at + (r.expiresAt.getTime() - now.getTime()) + SKEW_MS;
    expect(Math.abs(calls[0]!.until.getTime() - expected)).toBeLessThan(1000);
  });
});
