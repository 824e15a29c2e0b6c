/*
 * The per-check report of `samlguard verify`, derived from the library's single verdict. The library
 * stops at the first failure; its error code and element path say which check that was. Checks run
 * before it passed, the failing one failed, and later ones never ran. STEPS lists the checks in the
 * library's own order (src/verifier.ts → src/saml/response.ts → src/saml/assertion.ts): keep it in step
 * with that order, or the report will mark the wrong checks as passed.
 */

/** One check as the report names it. */
export type StepId =
  | 'parse'
  | 'response'
  | 'status'
  | 'assertion'
  | 'signature'
  | 'destination'
  | 'in-response-to'
  | 'response-issuer'
  | 'issue-instant'
  | 'assertion-issuer'
  | 'subject'
  | 'time'
  | 'conditions'
  | 'audience'
  | 'subject-confirmation'
  | 'session'
  | 'attributes'
  | 'expiry'
  | 'replay'
  | 'roles'
  | 'other';

export interface Step {
  readonly id: StepId;
  /** Short name shown in the report. */
  readonly label: string;
  /** What the library checks at this step. */
  readonly what: string;
}

/** The library's checks, in the order it runs them. */
export const STEPS: readonly Step[] = Object.freeze([
  { id: 'parse', label: 'parse', what: 'input decoded; XML well-formed, UTF-8, no DTD/entities/PIs, within limits, no duplicate IDs' },
  { id: 'response', label: 'response', what: 'root is a SAML 2.0 Response (Version 2.0) or Assertion' },
  { id: 'status', label: 'status', what: 'Status is Success' },
  { id: 'assertion', label: 'assertion', what: 'exactly one Assertion or EncryptedAssertion, a direct child of the Response; a decryption key when encrypted' },
  { id: 'signature', label: 'signature', what: 'enveloped signature(s) over the Response and/or Assertion, allow-listed algorithms, configured keys only; an EncryptedAssertion is decrypted between the two' },
  { id: 'destination', label: 'destination', what: 'Response Destination equals --recipient (when both are present)' },
  { id: 'in-response-to', label: 'in-response-to', what: 'Response InResponseTo equals --in-response-to (when given)' },
  { id: 'response-issuer', label: 'issuer (Response)', what: 'Response Issuer, when present, is the IdP entityID' },
  { id: 'issue-instant', label: 'issue instant', what: 'Assertion Version, ID and IssueInstant; IssueInstant not in the future beyond clock skew' },
  { id: 'assertion-issuer', label: 'issuer (Assertion)', what: 'Assertion Issuer is the IdP entityID' },
  { id: 'subject', label: 'subject', what: 'exactly one non-empty, unencrypted NameID' },
  { id: 'time', label: 'time window', what: 'Conditions NotBefore / NotOnOrAfter against now, with clock skew' },
  { id: 'conditions', label: 'conditions', what: 'no Condition samlguard cannot evaluate; at most one OneTimeUse' },
  { id: 'audience', label: 'audience', what: 'every AudienceRestriction names an --audience' },
  { id: 'subject-confirmation', label: 'subject confirmation', what: 'a bearer SubjectConfirmationData: NotOnOrAfter in the future, Recipient = --recipient, InResponseTo = --in-response-to, no NotBefore' },
  { id: 'session', label: 'session', what: 'AuthnStatement SessionNotOnOrAfter not passed' },
  { id: 'attributes', label: 'attributes', what: 'attributes readable (named, unencrypted)' },
  { id: 'expiry', label: 'expiry', what: 'something bounds the assertion lifetime (expiresAt)' },
  { id: 'replay', label: 'replay', what: 'the assertion was not used before' },
  // After verification: the library's mapRoles on the verified identity (only with --roles).
  { id: 'roles', label: 'roles', what: '--roles rules mapped onto the verified identity (deny by default)' },
  // A code this CLI does not place (the library gained one): shown last so no earlier row is misreported.
  { id: 'other', label: 'other', what: 'a check this version of the CLI does not name' },
]);

/**
 * Library codes that never describe a message, so never a row of the report: configuration and trust
 * setup (reported as exit 2) and the API Gateway adapter's request parsing.
 */
export const NOT_MESSAGE_CODES: ReadonlySet<string> = new Set([
  'CONFIG_INVALID',
  'METADATA_INVALID',
  'METADATA_UNAVAILABLE',
  'METADATA_EXPIRED',
  'CREDENTIAL_MISSING',
  'CREDENTIAL_MALFORMED',
  // Only on edge runtimes (WebCrypto); the CLI runs on Node.
  'RUNTIME_UNSUPPORTED',
  // Raised by the sign-in flow, the doors and the token room, never by verifying one message.
  'REQUEST_UNKNOWN',
  'REQUEST_EXPIRED',
  'UNSOLICITED_RESPONSE',
  'RELAY_STATE_INVALID',
  'BODY_TOO_LARGE',
  'TOKEN_MALFORMED',
  'REVOCATION_STORE_UNAVAILABLE',
]);

/** A check's outcome: passed, failed, not applicable/not configured, or not reached because an earlier check failed. */
export type CheckStatus = 'pass' | 'fail' | 'skip' | 'not-run';

/** The subset of a SamlGuardError the mapping needs (also what --json exposes). */
export interface FailureInfo {
  readonly code: string;
  readonly path: string | undefined;
  readonly message: string;
}

const SIGNATURE_CODES = new Set([
  'SIGNATURE_MISSING',
  'SIGNATURE_SHAPE_INVALID',
  'REFERENCE_INVALID',
  'TRANSFORM_NOT_ALLOWED',
  'ALGORITHM_NOT_ALLOWED',
  'KEY_NOT_TRUSTED',
  'DIGEST_MISMATCH',
  'SIGNATURE_INVALID',
]);

/**
 * Which check a library error belongs to, from its code and element path. Codes that several checks
 * share (SAML_SHAPE_INVALID, EXPIRED, IN_RESPONSE_TO_MISMATCH...) are told apart by the path; a few
 * SAML_SHAPE_INVALID cases raised on the same element are told apart by the message, which only
 * affects which row of the report is marked.
 */
export function stepOf(failure: FailureInfo): StepId {
  const segments = (failure.path ?? '').split('/').filter((p) => p !== '');
  const has = (name: string): boolean => segments.includes(name);
  switch (failure.code) {
    case 'INPUT_MALFORMED':
    case 'XML_MALFORMED':
    case 'XML_FORBIDDEN_CONSTRUCT':
    case 'XML_LIMIT_EXCEEDED':
    case 'DUPLICATE_ID':
      return 'parse';
    case 'STATUS_NOT_SUCCESS':
      return 'status';
    case 'ASSERTION_COUNT':
      return 'assertion';
    case 'DECRYPTION_KEY_MISSING':
      return has('Subject') ? 'subject' : has('AttributeStatement') ? 'attributes' : 'assertion';
    case 'DECRYPTION_FAILED':
      // An EncryptedAssertion is decrypted between the Response signature and the Assertion's own, so
      // its failure belongs to the signature step (which then honestly shows as not passed).
      return has('Subject') ? 'subject' : has('AttributeStatement') ? 'attributes' : 'signature';
    case 'DESTINATION_MISMATCH':
      return 'destination';
    case 'IN_RESPONSE_TO_MISMATCH':
      return has('SubjectConfirmationData') ? 'subject-confirmation' : 'in-response-to';
    case 'ISSUER_MISMATCH':
      return has('Assertion') ? 'assertion-issuer' : 'response-issuer';
    case 'NOT_YET_VALID':
      return has('Conditions') ? 'time' : 'issue-instant';
    case 'EXPIRED':
      return has('SubjectConfirmationData') ? 'subject-confirmation' : 'time';
    case 'SESSION_EXPIRED':
      return 'session';
    case 'SUBJECT_INVALID':
      return 'subject';
    case 'SUBJECT_CONFIRMATION_INVALID':
    case 'RECIPIENT_MISMATCH':
      return 'subject-confirmation';
    case 'AUDIENCE_MISMATCH':
      return 'audience';
    case 'CONDITION_UNSUPPORTED':
      return 'conditions';
    case 'REPLAYED':
    case 'REPLAY_STORE_UNAVAILABLE':
    case 'REVOKED':
      return 'replay';
    case 'GROUPS_OVERAGE':
    case 'CLAIM_INVALID':
    case 'NO_ROLE':
    case 'ROUTE_NOT_PERMITTED':
      return 'roles';
    case 'SAML_SHAPE_INVALID':
      return shapeStep(segments, failure.message);
    default:
      // An unknown code is placed last, so no earlier row is claimed as failed; the code and message
      // are printed verbatim anyway.
      return SIGNATURE_CODES.has(failure.code) ? 'signature' : 'other';
  }
}

function shapeStep(segments: readonly string[], message: string): StepId {
  const has = (name: string): boolean => segments.includes(name);
  const last = segments[segments.length - 1];
  if (has('Signature')) return 'signature';
  if (has('Status')) return 'status';
  if (has('SubjectConfirmation') || has('SubjectConfirmationData')) return 'subject-confirmation';
  if (has('Subject')) return 'subject';
  if (has('Conditions')) return /OneTimeUse/.test(message) ? 'conditions' : 'time';
  if (has('AuthnStatement')) return 'session';
  if (has('AttributeStatement')) return 'attributes';
  if (/root element/.test(message)) return 'response';
  if (last === 'Assertion') {
    if (/<Issuer>/.test(message)) return 'assertion-issuer';
    if (/<Conditions>/.test(message)) return 'time';
    if (/lifetime/.test(message)) return 'expiry';
    return 'issue-instant';
  }
  if (segments.length === 1) {
    if (/<Issuer>/.test(message)) return 'response-issuer';
    if (/<Status>/.test(message)) return 'status';
  }
  return 'response';
}

/**
 * Status of every step given the failing one (undefined = accepted): earlier steps passed, the
 * failing one failed, later ones did not run. `skipped` says which passed steps had nothing to check.
 */
export function statuses(failed: StepId | undefined, skipped: (id: StepId) => boolean): Map<StepId, CheckStatus> {
  const out = new Map<StepId, CheckStatus>();
  let reached = false;
  for (const step of STEPS) {
    if (step.id === failed) {
      out.set(step.id, 'fail');
      reached = true;
    } else if (reached) out.set(step.id, 'not-run');
    else out.set(step.id, skipped(step.id) ? 'skip' : 'pass');
  }
  return out;
}
