// Step 1 of a verifier: every option read and validated once (CONFIG_INVALID naming the option), the
// trust source resolved, keys imported: what the pipeline and acceptance read per request.
import { invalid, checkClock, nonEmptyString, optionalSeconds, optionalString } from '../config/values.js';
import type { DsigPolicy } from '../dsig/verify.js';
import { VerifiedCache } from '../cache/verified-cache.js';
import { MemoryReplayStore } from '../stores/memory.js';
import type { ReplayStore, RequestIdStore, RequestStore } from '../stores/types.js';
import type { Clock, VerifyOptions } from '../types.js';
import { resolveLimits, type ParseLimits } from '../xml/parse.js';
import { importDecryptionKeys, type DecryptionPolicy } from '../xmlenc/decrypt.js';
import { resolveTrust, type Trust } from './trust.js';

const BOOLEAN_OPTIONS = ['requireSignedAssertion', 'allowSha1', 'allowEmptyReferenceUri', 'allowMissingAudienceRestriction', 'allowMissingSubjectConfirmationData'] as const;

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

/**
 * The signature policy the options ask for: the algorithm opt-ins and the RSA key floor. Shared by the
 * verifier and by whatever else checks the IdP's signatures under the same options (the SP's logout).
 */
export function readSignaturePolicy(options: Pick<VerifyOptions, 'allowSha1' | 'minRsaKeyBits' | 'allowEmptyReferenceUri'>): DsigPolicy & { readonly minRsaKeyBits: number } {
  // allowSha1 is the legacy-crypto opt-in: every real IdP that still signs with SHA-1 does so with a
  // 1024-bit RSA key, so it lowers the default floor to 1024 as well (minRsaKeyBits overrides either way).
  // Weak keys are not a configuration error: they are refused per message, after the algorithm checks.
  const minRsaKeyBits = options.minRsaKeyBits ?? (options.allowSha1 === true ? 1024 : 2048);
  if (!Number.isSafeInteger(minRsaKeyBits) || minRsaKeyBits < 1024) throw invalid('minRsaKeyBits must be an integer of at least 1024.');
  return Object.freeze({ allowSha1: options.allowSha1 === true, minRsaKeyBits, allowEmptyReferenceUri: options.allowEmptyReferenceUri === true });
}

/** Every option, validated once (CONFIG_INVALID naming the option): what the pipeline and acceptance read. */
export interface Settings {
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

/** Read the options and resolve the trust source (configured keys, static metadata, or a provider). */
export function readSettings(options: VerifyOptions): Settings {
  if (options === null || typeof options !== 'object') throw invalid('Options are required.');
  const idp = options.idp;
  if (idp === null || typeof idp !== 'object') throw invalid('idp is required: { entityId, certificates } or { metadata }.');
  for (const name of BOOLEAN_OPTIONS) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') throw invalid(`${name} must be a boolean.`);
  }
  const trust = resolveTrust(idp, optionalString(idp.entityId, 'idp.entityId'), options.allowSha1 === true);
  const dsig = readSignaturePolicy(options);
  const minRsaKeyBits = dsig.minRsaKeyBits;
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
    dsig,
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
