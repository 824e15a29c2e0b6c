import { SamlGuardError, quote } from './errors.js';
import { checkClock, invalid, nonEmptyString, optionalSeconds, optionalString, readClock } from './config/values.js';
import type { DsigPolicy } from './dsig/verify.js';
import { fingerprintOf, importTrustedKeys, type TrustedKey } from './keys/index.js';
import { parseIdpMetadata, type IdpMetadata } from './metadata/parse.js';
import { isMetadataProvider } from './metadata/provider.js';
import { readAssertion } from './saml/assertion.js';
import { VerifiedCache } from './cache/verified-cache.js';
import { digest, runAsync, runSync, type Task } from './crypto/index.js';
import { base64Encode, hexEncode } from './bytes/index.js';
import { MemoryReplayStore, type MemoryRequestIdStore } from './stores/memory.js';
import type { ReplayStore, RequestIdStore, RequestStore } from './stores/types.js';
import { verifyEnvelope } from './saml/response.js';
import type { Clock, PerCallOptions, VerifiedAssertion, VerifyOptions } from './types.js';
import { decodeSamlInput } from './xml/input.js';
import { parseWithLimits, resolveLimits, type ParseLimits } from './xml/parse.js';
import { importDecryptionKeys, type DecryptionPolicy } from './xmlenc/decrypt.js';

/** A configured verifier: configuration checked, metadata parsed and keys imported once. */
export interface Verifier {
  /** Verify one SAML Response (or bare Assertion): XML text, base64, or bytes of either. */
  verify(input: string | Uint8Array, perCall?: PerCallOptions): Promise<VerifiedAssertion>;
  /** The same, synchronously (all work is CPU-bound; the promise form exists for future async stores). */
  verifySync(input: string | Uint8Array, perCall?: PerCallOptions): VerifiedAssertion;
  /** Entries and approximate bytes in the verified-assertion cache (undefined when it is off). */
  cacheStats(): { entries: number; bytes: number } | undefined;
  /**
   * Fetch the IdP metadata now, when `idp.metadata` is a {@link MetadataProvider} (resolves at once for
   * static configuration). Verification itself never fetches.
   */
  refresh(): Promise<void>;
  /** Cold start: load bundled metadata XML into the provider, or fetch it if nothing is loaded yet. */
  hydrate(xml?: string | Uint8Array): Promise<void>;
  /** The trusted keys in force now (for diagnostics). */
  readonly keys: readonly TrustedKey[];
  /** The trusted IdP entityID (undefined while a metadata provider has loaded nothing). */
  readonly entityId: string | undefined;
}

function readDecryption(sp: VerifyOptions['sp'], minRsaKeyBits: number, limits: Readonly<Required<ParseLimits>>): DecryptionPolicy | undefined {
  if (sp === undefined || sp === null) return undefined;
  if (typeof sp !== 'object') throw invalid('sp must be an object: { decryptionKeys, allowCbc? }.');
  if (sp.allowCbc !== undefined && typeof sp.allowCbc !== 'boolean') throw invalid('sp.allowCbc must be a boolean.');
  if (sp.decryptionKeys === undefined || sp.decryptionKeys === null) return undefined;
  const keys = importDecryptionKeys(sp.decryptionKeys, Math.min(minRsaKeyBits, 2048));
  return Object.freeze({ keys: Object.freeze(keys), allowCbc: sp.allowCbc !== false, limits });
}

function readReplayMode(replay: VerifyOptions['replay']): 'one-time-use' | 'every-assertion' {
  if (replay === undefined || replay === null) return 'one-time-use';
  if (typeof replay !== 'object') throw invalid('replay must be an object: { store?, mode? }.');
  const mode = replay.mode ?? 'one-time-use';
  if (mode !== 'one-time-use' && mode !== 'every-assertion') throw invalid("replay.mode must be 'one-time-use' or 'every-assertion'.");
  return mode;
}

function checkStore(store: unknown, name: string, methods: string[]): void {
  for (const m of methods) {
    if (store === null || typeof store !== 'object' || typeof (store as Record<string, unknown>)[m] !== 'function') {
      throw invalid(`${name} must implement ${methods.map((x) => `${x}()`).join(' and ')}.`);
    }
  }
}

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

/** Nested parts of a result are frozen, so a cached result cannot be altered through an earlier caller. */
function freezeClaims(r: VerifiedAssertion): VerifiedAssertion {
  Object.freeze(r.subject);
  Object.freeze(r.signature);
  for (const v of Object.values(r.attributes)) Object.freeze(v);
  Object.freeze(r.attributes);
  for (const a of r.attributeDetails) {
    Object.freeze(a.values);
    Object.freeze(a);
  }
  Object.freeze(r.attributeDetails);
  return r;
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

const BOOLEAN_OPTIONS = ['requireSignedAssertion', 'allowSha1', 'allowEmptyReferenceUri', 'allowMissingAudienceRestriction', 'allowMissingSubjectConfirmationData'] as const;

interface CurrentTrust {
  entityId: string;
  keys: readonly TrustedKey[];
  generation: number;
}

interface Trust {
  /** The trust in force at `now`, or a rejection (metadata missing or expired). */
  current(now: number): CurrentTrust;
  /** The same without checks, for diagnostics. */
  peek(): { entityId: string | undefined; keys: readonly TrustedKey[] };
  refresh(): Promise<void>;
  hydrate(xml?: string | Uint8Array): Promise<void>;
}

/**
 * Where trust comes from: configured certificates, static metadata, or a metadata provider whose key set
 * can change at run time. Static inputs are parsed and imported here, once.
 */
function resolveTrust(idp: VerifyOptions['idp'], configuredEntityId: string | undefined, allowSha1: boolean): Trust {
  const certificateKeys: TrustedKey[] = [];
  if (idp.certificates !== undefined && idp.certificates !== null) {
    if (!Array.isArray(idp.certificates)) throw invalid('idp.certificates must be an array.');
    certificateKeys.push(...importTrustedKeys(idp.certificates));
  }
  const pinned = idp.metadataSigningCertificates === undefined || idp.metadataSigningCertificates === null ? undefined : importTrustedKeys(idp.metadataSigningCertificates, 'idp.metadataSigningCertificates');
  const allowExpired = idp.allowExpiredMetadata === true;
  const source = idp.metadata;

  if (isMetadataProvider(source)) {
    const provider = source;
    return {
      current(now) {
        const loaded = provider.current();
        if (loaded === undefined) {
          if (configuredEntityId !== undefined && certificateKeys.length > 0) return { entityId: configuredEntityId, keys: certificateKeys, generation: 0 };
          throw new SamlGuardError('METADATA_UNAVAILABLE', 'No IdP metadata is loaded yet: call `await verifier.hydrate()` at cold start (or hydrate(xml) with a bundled copy).');
        }
        if (loaded.validUntil !== undefined && now >= loaded.validUntil && !provider.allowExpired) {
          throw new SamlGuardError('METADATA_EXPIRED', `The IdP metadata expired at ${new Date(loaded.validUntil).toISOString()} (validUntil) and no fresher copy could be loaded; its keys are no longer trusted.`);
        }
        if (configuredEntityId !== undefined && configuredEntityId !== loaded.metadata.entityId) {
          throw new SamlGuardError('METADATA_INVALID', `The metadata describes ${quote(loaded.metadata.entityId)}, but idp.entityId is ${quote(configuredEntityId)}.`);
        }
        return { entityId: loaded.metadata.entityId, keys: certificateKeys.length ? [...certificateKeys, ...loaded.keys] : loaded.keys, generation: loaded.generation };
      },
      peek: () => ({ entityId: configuredEntityId ?? provider.current()?.metadata.entityId, keys: [...certificateKeys, ...(provider.current()?.keys ?? [])] }),
      refresh: async () => {
        await provider.refresh({ force: true });
      },
      hydrate: async (xml) => {
        await provider.hydrate(xml);
      },
    };
  }

  let entityId = configuredEntityId;
  const keys = [...certificateKeys];
  let validUntil: number | undefined;
  if (source !== undefined && source !== null) {
    if (typeof source !== 'string' && !(source instanceof Uint8Array)) throw invalid('idp.metadata must be the metadata XML (string or bytes) or a metadata provider.');
    let md: IdpMetadata;
    try {
      md = parseIdpMetadata(source, {
        ...(entityId === undefined ? {} : { entityId }),
        ...(pinned === undefined ? {} : { signingKeys: pinned, dsig: { allowSha1 } }),
      });
    } catch (cause) {
      throw new SamlGuardError('CONFIG_INVALID', `idp.metadata: ${(cause as Error).message}`, { cause });
    }
    entityId ??= md.entityId;
    keys.push(...importTrustedKeys(md.signingCertificates, 'idp.metadata'));
    if (md.validUntil !== undefined && !allowExpired) validUntil = Date.parse(md.validUntil);
  } else if (pinned !== undefined) {
    throw invalid('idp.metadataSigningCertificates is set but idp.metadata is not.');
  }
  if (entityId === undefined) throw invalid('idp.entityId is required (or give idp.metadata): every Issuer is checked against it.');
  if (keys.length === 0) throw invalid('No trusted key: give idp.certificates or idp.metadata.');
  const fixed: CurrentTrust = Object.freeze({ entityId, keys: Object.freeze(keys), generation: 0 });
  return {
    current(now) {
      if (validUntil !== undefined && now >= validUntil) {
        throw new SamlGuardError('METADATA_EXPIRED', `The configured IdP metadata expired at ${new Date(validUntil).toISOString()} (validUntil); update it, or opt in with idp.allowExpiredMetadata.`);
      }
      return fixed;
    },
    peek: () => fixed,
    refresh: () => Promise.resolve(),
    hydrate: () => Promise.resolve(),
  };
}

/**
 * Create a verifier. Everything that can be checked without a message is checked here, so a bad
 * configuration fails at cold start (CONFIG_INVALID), never per request. Reuse the verifier across
 * requests (create it outside your Lambda handler).
 */
/** Every option, validated once (CONFIG_INVALID naming the option): what the pipeline and acceptance read. */
interface Settings {
  readonly trust: Trust;
  readonly audiences: readonly string[];
  readonly recipient: string | undefined;
  readonly configuredInResponseTo: string | undefined;
  readonly skewMs: number;
  readonly maxAgeMs: number | undefined;
  readonly configuredNow: Clock | undefined;
  readonly limits: Readonly<Required<ParseLimits>>;
  readonly dsig: DsigPolicy;
  readonly requireSignedAssertion: boolean;
  readonly allowMissingAudienceRestriction: boolean;
  readonly allowMissingSubjectConfirmationData: boolean;
  readonly decryption: DecryptionPolicy | undefined;
  readonly replayMode: 'one-time-use' | 'every-assertion';
  readonly replayStore: ReplayStore;
  readonly requestIds: RequestStore | RequestIdStore | undefined;
  readonly revocationCheck: VerifyOptions['revocationCheck'] | undefined;
  readonly cache: VerifiedCache | undefined;
}

/** Step 1 and 2: read the options and resolve the trust source (configured keys, static metadata, or a provider). */
function readSettings(options: VerifyOptions): Settings {
  if (options === null || typeof options !== 'object') throw invalid('Options are required.');
  const idp = options.idp;
  if (idp === null || typeof idp !== 'object') throw invalid('idp is required: { entityId, certificates } or { metadata }.');
  for (const name of BOOLEAN_OPTIONS) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') throw invalid(`${name} must be a boolean.`);
  }
  const trust = resolveTrust(idp, optionalString(idp.entityId, 'idp.entityId'), options.allowSha1 === true);
  // allowSha1 is the legacy-crypto opt-in: every real IdP that still signs with SHA-1 does so with a
  // 1024-bit RSA key, so it lowers the default floor to 1024 as well (minRsaKeyBits overrides either way).
  // Weak keys are not a configuration error: they are refused per message, after the algorithm checks.
  const minRsaKeyBits = options.minRsaKeyBits ?? (options.allowSha1 === true ? 1024 : 2048);
  if (!Number.isSafeInteger(minRsaKeyBits) || minRsaKeyBits < 1024) throw invalid('minRsaKeyBits must be an integer of at least 1024.');
  const audienceList = typeof options.audience === 'string' ? [options.audience] : options.audience;
  if (!Array.isArray(audienceList) || audienceList.length === 0) {
    throw invalid('audience is required: your SP entityID (a string or an array of strings). If your IdP sends no AudienceRestriction, still give it and add allowMissingAudienceRestriction: true.');
  }
  const skewSeconds = optionalSeconds(options.clockSkewSeconds, 'clockSkewSeconds', 60)!;
  if (skewSeconds > 3600) throw invalid('clockSkewSeconds above 3600 defeats expiry checks; fix the clocks instead.');
  const maxAge = optionalSeconds(options.maxAssertionAgeSeconds, 'maxAssertionAgeSeconds');
  const limits = resolveLimits(options.limits);
  if (options.replay?.store !== undefined) checkStore(options.replay.store, 'replay.store', ['consume']);
  const requestIds = options.requestIds ?? undefined;
  if (requestIds !== undefined) checkStore(requestIds, 'requestIds', ['consume']);
  const revocationCheck = options.revocationCheck ?? undefined;
  if (revocationCheck !== undefined && typeof revocationCheck !== 'function') throw invalid('revocationCheck must be a function (identity) => boolean | Promise<boolean>.');
  return Object.freeze({
    trust,
    audiences: Object.freeze(audienceList.map((a, i) => nonEmptyString(a, `audience[${i}]`))),
    recipient: optionalString(options.recipient, 'recipient'),
    configuredInResponseTo: optionalString(options.inResponseTo, 'inResponseTo'),
    skewMs: skewSeconds * 1000,
    maxAgeMs: maxAge === undefined ? undefined : maxAge * 1000,
    configuredNow: checkClock(options.now, 'now'),
    limits,
    dsig: Object.freeze({ allowSha1: options.allowSha1 === true, minRsaKeyBits, allowEmptyReferenceUri: options.allowEmptyReferenceUri === true }),
    requireSignedAssertion: options.requireSignedAssertion === true,
    allowMissingAudienceRestriction: options.allowMissingAudienceRestriction === true,
    allowMissingSubjectConfirmationData: options.allowMissingSubjectConfirmationData === true,
    decryption: readDecryption(options.sp, minRsaKeyBits, limits),
    replayMode: readReplayMode(options.replay),
    replayStore: options.replay?.store ?? new MemoryReplayStore(),
    requestIds,
    revocationCheck,
    cache: options.cache === undefined || options.cache === null ? undefined : new VerifiedCache(options.cache),
  });
}

/** Step 3, the pipeline: parse once, verify the signature(s), check every rule, build the plain result from the verified element. */
function* runPipeline(s: Settings, input: string | Uint8Array, now: number, inResponseTo: string | undefined, current: CurrentTrust): Task<VerifiedAssertion> {
const { limits, recipient, requireSignedAssertion, dsig, decryption, skewMs, audiences, allowMissingAudienceRestriction, allowMissingSubjectConfirmationData } = s;
  const parsed = parseWithLimits(decodeSamlInput(input, limits.maxBytes), limits);
  const envelope = yield* verifyEnvelope(parsed.document, { entityId: current.entityId, recipient, inResponseTo, requireSignedAssertion, keys: current.keys, dsig, decryption });
  const claims = yield* readAssertion(envelope.assertion, {
    now,
    skewMs,
    entityId: current.entityId,
    audiences,
    recipient,
    inResponseTo,
    maxAgeMs: s.maxAgeMs,
    allowMissingAudienceRestriction,
    allowMissingSubjectConfirmationData,
    decryption,
  });
  const key = envelope.signature.key;
  const result: VerifiedAssertion = {
    id: claims.id,
    issuer: claims.issuer,
    issueInstant: new Date(claims.issueInstant),
    subject: claims.subject,
    attributes: claims.attributes,
    attributeDetails: claims.attributeDetails,
    audience: claims.audience,
    expiresAt: new Date(claims.expiresAt),
    oneTimeUse: claims.oneTimeUse,
    signature: {
      covered: envelope.covered,
      algorithm: envelope.signature.algorithms.signature,
      digest: envelope.signature.algorithms.digest,
      certificateFingerprint: yield* fingerprintOf(key),
    },
  };
  if (claims.notBefore !== undefined) result.notBefore = new Date(claims.notBefore);
  if (claims.notOnOrAfter !== undefined) result.notOnOrAfter = new Date(claims.notOnOrAfter);
  if (claims.sessionIndex !== undefined) result.sessionIndex = claims.sessionIndex;
  if (claims.sessionNotOnOrAfter !== undefined) result.sessionNotOnOrAfter = new Date(claims.sessionNotOnOrAfter);
  if (claims.authnInstant !== undefined) result.authnInstant = new Date(claims.authnInstant);
  if (claims.authnContextClassRef !== undefined) result.authnContextClassRef = claims.authnContextClassRef;
  // The request this message answers, read only from signed content: the bearer confirmation (inside
  // the assertion), else the Response's own attribute when the Response signature covers it. An
  // unsigned wrapper's InResponseTo could bind an unsolicited assertion to someone else's request.
  // When both say something they must agree (when an ID was expected, both were checked against it).
  const fromConfirmation = claims.confirmationInResponseTo;
  const fromResponse = envelope.covered === 'assertion' ? undefined : envelope.inResponseTo;
  if (fromConfirmation !== undefined && envelope.inResponseTo !== undefined && fromConfirmation !== envelope.inResponseTo) {
    throw new SamlGuardError('IN_RESPONSE_TO_MISMATCH', `The Response answers request ${quote(envelope.inResponseTo)} but its SubjectConfirmationData answers ${quote(fromConfirmation)}; they must name the same request.`, {
      path: 'Response',
      details: { response: envelope.inResponseTo, confirmation: fromConfirmation },
    });
  }
  const answered = fromConfirmation ?? fromResponse;
  if (answered !== undefined) result.inResponseTo = (' ' + answered).slice(1); // not a slice of the input
  return freezeClaims(result);
}

export function createVerifier(options: VerifyOptions): Verifier {
  const settings = readSettings(options);
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

  return Object.freeze({
    verify,
    verifySync,
    cacheStats: () => cache?.stats(),
    refresh: trust.refresh,
    hydrate: trust.hydrate,
    get keys() {
      return trust.peek().keys;
    },
    get entityId() {
      return trust.peek().entityId;
    },
  });
}

