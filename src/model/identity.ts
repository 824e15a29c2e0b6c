// What a verification yields: plain data read from the signed element only. A bottom room (it imports
// nothing), so the SAML room that produces it and the verifier, cache, roles and tokens that consume it all point down to it.

export interface SubjectInfo {
  /** The NameID text, verbatim (every text node, so a comment cannot shorten it). */
  nameId: string;
  format?: string;
  nameQualifier?: string;
  spNameQualifier?: string;
}

export interface AttributeInfo {
  name: string;
  friendlyName?: string;
  nameFormat?: string;
  values: string[];
}

export interface SignatureInfo {
  /** Which element(s) carried a verified signature covering the assertion. */
  covered: 'response' | 'assertion' | 'both';
  /** SignatureMethod URI (of the assertion signature when both are signed). */
  algorithm: string;
  /** DigestMethod URI. */
  digest: string;
  /**
   * SHA-256 fingerprint (colon hex, as `openssl x509 -fingerprint -sha256`) of the configured certificate
   * that verified; for a key configured as a bare public key, the SHA-256 of its SubjectPublicKeyInfo.
   */
  certificateFingerprint: string;
}

/** A verified identity. Plain data: no DOM nodes. */
export interface VerifiedAssertion {
  id: string;
  issuer: string;
  issueInstant: Date;
  subject: SubjectInfo;
  /** Attribute values by Name. */
  attributes: Record<string, string[]>;
  /** Every attribute with its FriendlyName and NameFormat, in document order. */
  attributeDetails: AttributeInfo[];
  /** The configured audience that matched (undefined only with allowMissingAudienceRestriction and no restriction). */
  audience: string | undefined;
  notBefore?: Date;
  notOnOrAfter?: Date;
  /** The earliest of every NotOnOrAfter, SessionNotOnOrAfter and the age limit: do not trust the identity past it. */
  expiresAt: Date;
  sessionIndex?: string;
  sessionNotOnOrAfter?: Date;
  authnInstant?: Date;
  authnContextClassRef?: string;
  inResponseTo?: string;
  oneTimeUse: boolean;
  signature: SignatureInfo;
}
