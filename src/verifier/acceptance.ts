// Step 3 of a verifier, acceptance: the clock and per-call options, the verified-assertion cache, then
// revocation, request IDs and replay against the stores. Store and hook failures refuse, never grant.
import { SamlGuardError, quote } from '../errors.js';
import { checkClock, invalid, nonEmptyString, readClock } from '../config/values.js';
import { digest, runAsync, runSync, type Task } from '../crypto/index.js';
import { base64Encode, hexEncode } from '../bytes/index.js';
import type { MemoryReplayStore, MemoryRequestIdStore } from '../stores/memory.js';
import type { PerCallOptions, VerifiedAssertion } from '../types.js';
import { runPipeline } from './pipeline.js';
import type { Settings } from './settings.js';

/** Store failures reject the message: a store that cannot answer never means "not seen before". */
async function storeCall(fn: () => Promise<boolean>): Promise<boolean> {
  let ok: unknown;
  try {
    ok = await fn();
  } catch (cause) {
    if (cause instanceof SamlGuardError) throw cause;
    throw new SamlGuardError('REPLAY_STORE_UNAVAILABLE', 'The replay/request-ID store failed, so the message was rejected rather than accepted unchecked.', { cause });
  }
  return ok === true;
}

/** A revocation hook that throws (or rejects) counts as "revoked": an unanswerable check never grants. */
async function hookCall(fn: () => boolean | Promise<boolean>): Promise<boolean> {
  try {
    return (await fn()) === false ? false : true;
  } catch {
    return true;
  }
}

function syncHookCall(fn: () => boolean | Promise<boolean>): boolean | Promise<boolean> {
  try {
    const r = fn();
    if (r instanceof Promise) {
      r.catch(() => undefined);
      return r;
    }
    return r === false ? false : true;
  } catch {
    return true;
  }
}

function syncStoreCall(fn: () => boolean): boolean {
  try {
    return fn() === true;
  } catch (cause) {
    if (cause instanceof SamlGuardError) throw cause;
    throw new SamlGuardError('REPLAY_STORE_UNAVAILABLE', 'The replay/request-ID store failed, so the message was rejected rather than accepted unchecked.', { cause });
  }
}

function* inputDigest(input: string | Uint8Array): Task<string> {
  return base64Encode(yield* digest('sha256', input));
}

/** Store keys: bounded length and no attacker-chosen characters, scoped by issuer. */
function* replayKeyOf(r: VerifiedAssertion): Task<string> {
  return hexEncode(yield* digest('sha256', `${r.issuer}\n${r.id}`));
}

// Results served from the verified-assertion cache, for telemetry (a WeakSet: nothing is kept alive).
const servedFromCache = new WeakSet<VerifiedAssertion>();

/** Whether `identity` was served from the verifier's cache rather than verified afresh (for logs and traces). */
export function isCacheHit(identity: VerifiedAssertion): boolean {
  return servedFromCache.has(identity);
}

/** Each caller gets its own top-level object and Date instances (Dates cannot be frozen). */
function copyResult(r: VerifiedAssertion): VerifiedAssertion {
  const out: VerifiedAssertion = { ...r, issueInstant: new Date(r.issueInstant.getTime()), expiresAt: new Date(r.expiresAt.getTime()) };
  if (r.notBefore) out.notBefore = new Date(r.notBefore.getTime());
  if (r.notOnOrAfter) out.notOnOrAfter = new Date(r.notOnOrAfter.getTime());
  if (r.sessionNotOnOrAfter) out.sessionNotOnOrAfter = new Date(r.sessionNotOnOrAfter.getTime());
  if (r.authnInstant) out.authnInstant = new Date(r.authnInstant.getTime());
  return out;
}

/** The two ways in: verify (awaits stores and hooks) and verifySync (memory stores, synchronous hooks, node:crypto). */
export interface Acceptance {
  verify(input: string | Uint8Array, perCall?: PerCallOptions): Promise<VerifiedAssertion>;
  verifySync(input: string | Uint8Array, perCall?: PerCallOptions): VerifiedAssertion;
}

export function createAcceptance(settings: Settings): Acceptance {
  const { trust, skewMs, configuredNow, configuredInResponseTo, cache, replayMode, replayStore, requestIds, revocationCheck } = settings;

  /** A cached result is served only while every time rule would still pass. */
  function stillValid(r: VerifiedAssertion, now: number): boolean {
    return now - skewMs < r.expiresAt.getTime() && (r.notBefore === undefined || now + skewMs >= r.notBefore.getTime()) && r.issueInstant.getTime() <= now + skewMs;
  }

  interface Pending {
    result: VerifiedAssertion;
    now: number;
    /** Set when the assertion must be recorded as used (OneTimeUse, or every assertion in ACS mode). */
    replayKey: string | undefined;
  }

  function* prepare(input: string | Uint8Array, perCall: PerCallOptions): Task<Pending> {
    const now = readClock(perCall.now === undefined || perCall.now === null ? configuredNow : checkClock(perCall.now, 'now'));
    const inResponseTo = perCall.inResponseTo === undefined || perCall.inResponseTo === null ? configuredInResponseTo : nonEmptyString(perCall.inResponseTo, 'inResponseTo');
    const current = trust.current(now);
    let cacheKey: string | undefined;
    let result: VerifiedAssertion | undefined;
    let fromCache = false;
    if (cache !== undefined) {
      // The expected request ID is part of the key: a result checked against one is no answer for
      // another. So is the trust generation: after a key rotation, nothing verified before is served.
      cacheKey = `${yield* inputDigest(input)}\n${current.generation}\n${inResponseTo ?? ''}`;
      const hit = cache.get(cacheKey);
      if (hit !== undefined && stillValid(hit, now)) {
        result = hit;
        fromCache = true;
      }
      else if (hit !== undefined) cache.delete(cacheKey);
    }
    if (result === undefined) {
      result = yield* runPipeline(settings, input, now, inResponseTo, current);
      if (cacheKey !== undefined && !result.oneTimeUse) cache!.set(cacheKey, result);
    }
    const mustRecord = replayMode === 'every-assertion' || result.oneTimeUse;
    const copy = copyResult(result);
    if (fromCache) servedFromCache.add(copy);
    return { result: copy, now, replayKey: mustRecord ? yield* replayKeyOf(result) : undefined };
  }

  /** How long a store must remember an ID, on the store's own (wall) clock: the remaining lifetime plus skew. */
  function retainUntil(p: Pending): Date {
    return new Date(Date.now() + Math.max(0, p.result.expiresAt.getTime() - p.now) + skewMs);
  }

  function replayed(p: Pending): SamlGuardError {
    return new SamlGuardError('REPLAYED', `Assertion ${p.result.id} was already accepted${p.result.oneTimeUse ? ' and carries <OneTimeUse>' : ' (replay.mode every-assertion)'}; it may not be used again.`, { path: 'Assertion' });
  }

  function unanswered(p: Pending): SamlGuardError {
    return new SamlGuardError('IN_RESPONSE_TO_MISMATCH', p.result.inResponseTo === undefined ? 'The response answers no request (no InResponseTo), but requestIds is configured: only responses to our own AuthnRequests are accepted.' : 'InResponseTo does not name a request this SP issued (or it was already answered).', { path: 'Response' });
  }

  function revoked(p: Pending): SamlGuardError {
    return new SamlGuardError('REVOKED', `The revocation check refused assertion ${p.result.id} for ${quote(p.result.subject.nameId)}.`, { path: 'Assertion' });
  }

  async function verify(input: string | Uint8Array, perCall: PerCallOptions = {}): Promise<VerifiedAssertion> {
    const p = await runAsync(prepare(input, perCall));
    // Revocation runs on every acceptance, fresh or cached, before anything is consumed.
    if (revocationCheck !== undefined && (await hookCall(() => revocationCheck(p.result))) !== false) throw revoked(p);
    if (requestIds !== undefined) {
      const answered = p.result.inResponseTo;
      if (answered === undefined || !(await storeCall(() => requestIds.consume(answered)))) throw unanswered(p);
    }
    if (p.replayKey !== undefined && !(await storeCall(() => replayStore.consume(p.replayKey!, retainUntil(p))))) throw replayed(p);
    return p.result;
  }

  function verifySync(input: string | Uint8Array, perCall: PerCallOptions = {}): VerifiedAssertion {
    const p = runSync(prepare(input, perCall), 'verifySync');
    if (revocationCheck !== undefined) {
      const answer = syncHookCall(() => revocationCheck(p.result));
      if (answer instanceof Promise) throw invalid('verifySync cannot wait for an asynchronous revocationCheck; use verify().');
      if (answer !== false) throw revoked(p);
    }
    if (requestIds !== undefined) {
      const sync = (requestIds as Partial<MemoryRequestIdStore>).consumeSync;
      if (typeof sync !== 'function') throw invalid('verifySync cannot consult an asynchronous requestIds store; use verify().');
      const answered = p.result.inResponseTo;
      if (answered === undefined || !syncStoreCall(() => sync.call(requestIds, answered))) throw unanswered(p);
    }
    if (p.replayKey !== undefined) {
      const sync = (replayStore as Partial<MemoryReplayStore>).consumeSync;
      if (typeof sync !== 'function') throw invalid('verifySync cannot consult an asynchronous replay store; use verify().');
      if (!syncStoreCall(() => sync.call(replayStore, p.replayKey!, retainUntil(p)))) throw replayed(p);
    }
    return p.result;
  }

  return { verify, verifySync };
}
