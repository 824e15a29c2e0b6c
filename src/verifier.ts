import { SamlGuardError } from './errors.js';
import type { DsigPolicy } from './dsig/verify.js';
import { importTrustedKeys, type TrustedKey } from './keys/index.js';
import { parseIdpMetadata } from './keys/metadata.js';
import { readAssertion } from './saml/assertion.js';
import { verifyEnvelope } from './saml/response.js';
import type { Clock, PerCallOptions, VerifiedAssertion, VerifyOptions } from './types.js';
import { decodeSamlInput } from './xml/input.js';
import { parseWithLimits, resolveLimits } from './xml/parse.js';

/** A configured verifier: configuration checked, metadata parsed and keys imported once. */
export interface Verifier {
  /** Verify one SAML Response (or bare Assertion): XML text, base64, or bytes of either. */
  verify(input: string | Uint8Array, perCall?: PerCallOptions): Promise<VerifiedAssertion>;
  /** The same, synchronously (all work is CPU-bound; the promise form exists for future async stores). */
  verifySync(input: string | Uint8Array, perCall?: PerCallOptions): VerifiedAssertion;
  /** The trusted keys in use (for diagnostics). */
  readonly keys: readonly TrustedKey[];
  readonly entityId: string;
}

function invalid(message: string): SamlGuardError {
  return new SamlGuardError('CONFIG_INVALID', message);
}

function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${name} must be a non-empty string.`);
  return value;
}

/** Optional options accept null as "not set" (configuration often comes from JSON, where absent is null). */
function optionalString(value: unknown, name: string): string | undefined {
  return value === undefined || value === null ? undefined : nonEmptyString(value, name);
}

function optionalSeconds(value: unknown, name: string, fallback?: number): number | undefined {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw invalid(`${name} must be a non-negative number of seconds.`);
  return value;
}

function checkClock(value: unknown, name: string): Clock | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'function') return value as Clock;
  if (typeof value === 'string') {
    // An ISO 8601 instant with an explicit zone, e.g. "2026-01-15T10:00:00Z" (as JSON configuration gives it).
    const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(value) ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(ms)) throw invalid(`${name} must be a Date, epoch milliseconds, an ISO 8601 instant with a zone, or a function returning a Date or number.`);
    return ms;
  }
  if (value instanceof Date ? Number.isNaN(value.getTime()) : typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid(`${name} must be a valid Date, epoch milliseconds, or a function returning one.`);
  }
  return value as Clock;
}

function readClock(clock: Clock | undefined): number {
  if (clock === undefined) return Date.now();
  const v = typeof clock === 'function' ? clock() : clock;
  const ms = v instanceof Date ? v.getTime() : v;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw invalid('now returned an invalid time.');
  return ms;
}

const BOOLEAN_OPTIONS = ['requireSignedAssertion', 'allowSha1', 'allowEmptyReferenceUri', 'allowMissingAudienceRestriction', 'allowMissingSubjectConfirmationData'] as const;

/**
 * Create a verifier. Everything that can be checked without a message is checked here, so a bad
 * configuration fails at cold start (CONFIG_INVALID), never per request. Reuse the verifier across
 * requests (create it outside your Lambda handler).
 */
export function createVerifier(options: VerifyOptions): Verifier {
  if (options === null || typeof options !== 'object') throw invalid('Options are required.');
  const idp = options.idp;
  if (idp === null || typeof idp !== 'object') throw invalid('idp is required: { entityId, certificates } or { metadata }.');
  for (const name of BOOLEAN_OPTIONS) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') throw invalid(`${name} must be a boolean.`);
  }

  let entityId = optionalString(idp.entityId, 'idp.entityId');
  const keyInputs = [];
  if (idp.metadata !== undefined && idp.metadata !== null) {
    if (typeof idp.metadata !== 'string' && !(idp.metadata instanceof Uint8Array)) throw invalid('idp.metadata must be the metadata XML (string or bytes).');
    const md = parseIdpMetadata(idp.metadata, entityId === undefined ? {} : { entityId });
    entityId ??= md.entityId;
    keyInputs.push(...md.signingCertificates);
  }
  if (idp.certificates !== undefined && idp.certificates !== null) {
    if (!Array.isArray(idp.certificates)) throw invalid('idp.certificates must be an array.');
    keyInputs.push(...idp.certificates);
  }
  if (entityId === undefined) throw invalid('idp.entityId is required (or give idp.metadata): every Issuer is checked against it.');
  if (keyInputs.length === 0) throw invalid('No trusted key: give idp.certificates or idp.metadata.');
  const keys = Object.freeze(importTrustedKeys(keyInputs));

  // allowSha1 is the legacy-crypto opt-in: every real IdP that still signs with SHA-1 does so with a
  // 1024-bit RSA key, so it lowers the default floor to 1024 as well (minRsaKeyBits overrides either way).
  // Weak keys are not a configuration error: they are refused per message, after the algorithm checks.
  const minRsaKeyBits = options.minRsaKeyBits ?? (options.allowSha1 === true ? 1024 : 2048);
  if (!Number.isSafeInteger(minRsaKeyBits) || minRsaKeyBits < 1024) throw invalid('minRsaKeyBits must be an integer of at least 1024.');
  const audienceList = typeof options.audience === 'string' ? [options.audience] : options.audience;
  if (!Array.isArray(audienceList) || audienceList.length === 0) {
    throw invalid('audience is required: your SP entityID (a string or an array of strings). If your IdP sends no AudienceRestriction, still give it and add allowMissingAudienceRestriction: true.');
  }
  const audiences = Object.freeze(audienceList.map((a, i) => nonEmptyString(a, `audience[${i}]`)));
  const recipient = optionalString(options.recipient, 'recipient');
  const configuredInResponseTo = optionalString(options.inResponseTo, 'inResponseTo');
  const skewSeconds = optionalSeconds(options.clockSkewSeconds, 'clockSkewSeconds', 60)!;
  if (skewSeconds > 3600) throw invalid('clockSkewSeconds above 3600 defeats expiry checks; fix the clocks instead.');
  const maxAge = optionalSeconds(options.maxAssertionAgeSeconds, 'maxAssertionAgeSeconds');
  const configuredNow = checkClock(options.now, 'now');
  const limits = resolveLimits(options.limits);
  const dsig: DsigPolicy = Object.freeze({ allowSha1: options.allowSha1 === true, minRsaKeyBits, allowEmptyReferenceUri: options.allowEmptyReferenceUri === true });
  const requireSignedAssertion = options.requireSignedAssertion === true;
  const allowMissingAudienceRestriction = options.allowMissingAudienceRestriction === true;
  const allowMissingSubjectConfirmationData = options.allowMissingSubjectConfirmationData === true;
  const trustedEntityId = entityId;

  function verifySync(input: string | Uint8Array, perCall: PerCallOptions = {}): VerifiedAssertion {
    const now = readClock(perCall.now === undefined || perCall.now === null ? configuredNow : checkClock(perCall.now, 'now'));
    const inResponseTo = perCall.inResponseTo === undefined || perCall.inResponseTo === null ? configuredInResponseTo : nonEmptyString(perCall.inResponseTo, 'inResponseTo');
    const parsed = parseWithLimits(decodeSamlInput(input, limits.maxBytes), limits);
    const envelope = verifyEnvelope(parsed.document, { entityId: trustedEntityId, recipient, inResponseTo, requireSignedAssertion, keys, dsig });
    const claims = readAssertion(envelope.assertion, {
      now,
      skewMs: skewSeconds * 1000,
      entityId: trustedEntityId,
      audiences,
      recipient,
      inResponseTo,
      maxAgeMs: maxAge === undefined ? undefined : maxAge * 1000,
      allowMissingAudienceRestriction,
      allowMissingSubjectConfirmationData,
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
        certificateFingerprint: key.fingerprint ?? key.spkiFingerprint,
      },
    };
    if (claims.notBefore !== undefined) result.notBefore = new Date(claims.notBefore);
    if (claims.notOnOrAfter !== undefined) result.notOnOrAfter = new Date(claims.notOnOrAfter);
    if (claims.sessionIndex !== undefined) result.sessionIndex = claims.sessionIndex;
    if (claims.sessionNotOnOrAfter !== undefined) result.sessionNotOnOrAfter = new Date(claims.sessionNotOnOrAfter);
    if (claims.authnInstant !== undefined) result.authnInstant = new Date(claims.authnInstant);
    if (claims.authnContextClassRef !== undefined) result.authnContextClassRef = claims.authnContextClassRef;
    const irt = envelope.inResponseTo ?? inResponseTo;
    if (irt !== undefined) result.inResponseTo = irt;
    return result;
  }

  return Object.freeze({
    verify: (input: string | Uint8Array, perCall?: PerCallOptions) => {
      try {
        return Promise.resolve(verifySync(input, perCall));
      } catch (err) {
        return Promise.reject(err);
      }
    },
    verifySync,
    keys,
    entityId: trustedEntityId,
  });
}

