// Step 2 of a verifier, the pipeline: parse once, verify the signature(s), check every rule, and build
// the plain result from the verified element only. A task (crypto/index.ts): it runs on either backend.
import { SamlGuardError, quote } from '../errors.js';
import type { Task } from '../crypto/index.js';
import { fingerprintOf } from '../keys/index.js';
import { readAssertion } from '../saml/assertion.js';
import { verifyEnvelope } from '../saml/response.js';
import type { VerifiedAssertion } from '../types.js';
import { decodeSamlInput } from '../xml/input.js';
import { parseWithLimits } from '../xml/parse.js';
import type { Settings } from './settings.js';
import type { CurrentTrust } from './trust.js';

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

export function* runPipeline(s: Settings, input: string | Uint8Array, now: number, inResponseTo: string | undefined, current: CurrentTrust): Task<VerifiedAssertion> {
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
