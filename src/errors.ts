/**
 * Every failure samlguard reports is a {@link SamlGuardError} with a stable `code`.
 * Codes are part of the public contract: match on `err.code`, never on `err.message`.
 */
export const ERROR_CODES = {
  // input and XML
  INPUT_MALFORMED: 'The input is not XML, base64 of XML, or a form body carrying SAMLResponse.',
  XML_MALFORMED: 'The XML is not well-formed (or the parser reported any warning or error).',
  XML_FORBIDDEN_CONSTRUCT: 'The XML uses a construct samlguard refuses: DOCTYPE/DTD, entity, processing instruction, or a non-UTF-8 encoding.',
  XML_LIMIT_EXCEEDED: 'The XML exceeds a configured limit (size, element depth or element count).',
  DUPLICATE_ID: 'Two elements in the document carry the same ID value (a signature-wrapping precondition).',
  // signature structure
  SIGNATURE_MISSING: 'No signature where one is required: the element has no enveloped ds:Signature, neither Response nor Assertion is signed, or requireSignedAssertion is set and the Assertion is not.',
  SIGNATURE_SHAPE_INVALID: 'The ds:Signature does not have the one permitted shape (children, counts, base64 values).',
  REFERENCE_INVALID: 'The signature Reference does not point at the element that carries the signature.',
  TRANSFORM_NOT_ALLOWED: 'A Reference transform is not on the allow-list (enveloped-signature + one canonicalization).',
  ALGORITHM_NOT_ALLOWED: 'A signature, digest or canonicalization algorithm is not on the allow-list (SHA-1 needs allowSha1).',
  KEY_NOT_TRUSTED: 'No configured key verifies the signature, or the key is too weak for policy.',
  DIGEST_MISMATCH: 'The signed element was changed after signing: its digest does not match the Reference.',
  SIGNATURE_INVALID: 'The SignatureValue does not verify over SignedInfo with the configured key.',
  // SAML envelope
  SAML_SHAPE_INVALID: 'The SAML message does not have the shape SAML 2.0 core requires (root, Version, required children).',
  STATUS_NOT_SUCCESS: 'The IdP answered with a Status other than Success.',
  ASSERTION_COUNT: 'The document must contain exactly one Assertion.',
  DECRYPTION_KEY_MISSING: 'The message is encrypted (EncryptedAssertion, EncryptedID or EncryptedAttribute) but no sp.decryptionKeys are configured.',
  DECRYPTION_FAILED: 'An encrypted element could not be decrypted with the configured SP key(s), or its plaintext is not the one expected element.',
  // conditions and claims
  ISSUER_MISMATCH: 'The Issuer is not the configured IdP entityID.',
  AUDIENCE_MISMATCH: 'The AudienceRestriction does not name any configured audience (or none is present).',
  RECIPIENT_MISMATCH: 'SubjectConfirmationData Recipient is not the configured recipient (ACS URL).',
  DESTINATION_MISMATCH: 'The Response Destination is not the configured recipient (ACS URL).',
  IN_RESPONSE_TO_MISMATCH: 'InResponseTo does not match the expected request ID.',
  NOT_YET_VALID: 'The assertion is not valid yet: Conditions NotBefore or IssueInstant is in the future beyond clock skew.',
  EXPIRED: 'The assertion has expired: a NotOnOrAfter (Conditions or SubjectConfirmationData) or maxAssertionAgeSeconds has passed, allowing for clock skew.',
  SESSION_EXPIRED: 'The AuthnStatement SessionNotOnOrAfter has passed.',
  SUBJECT_INVALID: 'The Subject is missing or has no usable NameID.',
  SUBJECT_CONFIRMATION_INVALID: 'No bearer SubjectConfirmation satisfies the profile rules.',
  CONDITION_UNSUPPORTED: 'The Conditions contain an element samlguard cannot evaluate (SAML core: validity is indeterminate).',
  // replay and request tracking
  REPLAYED: 'The assertion was already accepted once (OneTimeUse, or the web-sso profile) and may not be used again.',
  REVOKED: 'The configured revocationCheck refused the identity (or could not answer).',
  REPLAY_STORE_UNAVAILABLE: 'The replay or request-ID store failed or is full; the message is rejected rather than accepted unchecked.',
  // sign-in (service provider)
  REQUEST_UNKNOWN: 'The response answers a request this SP has no record of, or one already answered (each request ID is used once).',
  REQUEST_EXPIRED: 'The response answers a request of ours that is older than requestTtlSeconds: sign in again.',
  UNSOLICITED_RESPONSE: 'The response answers no request (IdP-initiated sign-on), which is refused unless allowIdpInitiated is set.',
  RELAY_STATE_INVALID: 'RelayState is longer than 80 bytes, or neither a relative path nor an absolute URL whose origin is allow-listed (an open redirect otherwise).',
  BODY_TOO_LARGE: 'The HTTP request body (or a header carrying a credential) is larger than the configured limit; it was refused before decoding.',
  // tokens (short-lived access)
  TOKEN_MALFORMED: 'The Bearer token is not a compact JWS samlguard issued: bad structure, header (typ, kid) or claims.',
  REVOCATION_STORE_UNAVAILABLE: 'The revocation store failed, so the token was refused rather than accepted unchecked.',
  // IdP metadata
  METADATA_INVALID: 'IdP metadata could not be used: not metadata XML, no SAML 2.0 IdP or signing key, or a bad/missing signature where one is pinned.',
  METADATA_UNAVAILABLE: 'No IdP metadata is loaded yet (hydrate the verifier), or fetching it failed.',
  METADATA_EXPIRED: 'The only metadata available is past its validUntil; samlguard will not trust its keys.',
  // roles and API Gateway authorization (after verification)
  CLAIM_INVALID: 'A claim the role mapping reads does not have its documented form (AWS Role/SessionDuration/RoleSessionName/PrincipalTag).',
  GROUPS_OVERAGE: 'Entra ID sent its groups overage link instead of the groups (too many to list), so group-based roles cannot be decided.',
  NO_ROLE: 'No role rule matched the identity (deny by default): reported by the API Gateway authorizer as a 403 decision.',
  ROUTE_NOT_PERMITTED: "None of the identity's roles permits the requested route: reported by the API Gateway authorizer as a 403 decision.",
  CREDENTIAL_MISSING: 'The request carries no SAML credential where the API Gateway authorizer looks for one (header, cookie or token).',
  CREDENTIAL_MALFORMED: 'The credential is not `<scheme> <base64>` (or the bare base64), or it appears more than once.',
  // runtime
  RUNTIME_UNSUPPORTED: 'This runtime cannot do what was asked: a Node-only API (signing, synchronous verification, passphrase-protected keys) on an edge runtime, or a combination WebCrypto cannot perform (RSA-OAEP whose MGF1 hash differs from its digest, 192-bit AES where the runtime lacks it).',
  // configuration
  CONFIG_INVALID: 'The configuration is invalid: thrown by createVerifier at creation; per call only for an invalid per-call option (now, inResponseTo) or verifySync with an asynchronous store.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Options accepted by {@link SamlGuardError}. */
export interface SamlGuardErrorOptions {
  /** Path of the offending element, e.g. `Response/Assertion/Conditions`. */
  path?: string;
  /** Structured facts for tooling (never secrets, never unbounded input). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** The one error class samlguard throws. Match on {@link SamlGuardError.code}. */
export class SamlGuardError extends Error {
  override readonly name = 'SamlGuardError';
  readonly code: ErrorCode;
  readonly path: string | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options: SamlGuardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = options.path;
    this.details = options.details;
  }
}

/** True when `err` is a {@link SamlGuardError}, optionally with the given code. */
export function isSamlGuardError(err: unknown, code?: ErrorCode): err is SamlGuardError {
  return err instanceof SamlGuardError && (code === undefined || err.code === code);
}

const MAX_ECHO = 80;

/** Quote a value from the input for a message, bounded so messages never echo unbounded input. */
export function quote(value: string | null | undefined): string {
  if (value == null) return '(none)';
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return JSON.stringify(clean.length > MAX_ECHO ? `${clean.slice(0, MAX_ECHO)}…` : clean);
}
