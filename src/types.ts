import type { KeyInput } from './keys/index.js';
import type { ParseLimits } from './xml/parse.js';
import type { VerifiedAssertion } from './model/identity.js';
import type { ReplayStore, RequestIdStore, RequestStore } from './stores/types.js';
import type { CacheOptions } from './cache/verified-cache.js';
import type { MetadataProvider } from './metadata/provider.js';
import type { DecryptionKeyInput } from './xmlenc/decrypt.js';

/**
 * An instant: a Date, epoch milliseconds, an ISO 8601 string with a zone ("2026-01-15T10:00:00Z"), or a
 * function returning a Date or number (called once per verification).
 */
export type Clock = Date | number | string | (() => Date | number);

/** The identity provider samlguard trusts. */
export interface IdpOptions {
  /** The IdP entityID; every Issuer must equal it. Taken from `metadata` when omitted there. */
  entityId?: string | null;
  /** Trusted signing certificates or public keys (PEM, base64 DER, DER bytes, KeyObject, X509Certificate). Several = key rotation. */
  certificates?: readonly KeyInput[] | null;
  /**
   * IdP metadata: the XML (EntityDescriptor or EntitiesDescriptor), whose entityID and every signing
   * certificate are trusted; or a provider from `createMetadataProvider` that keeps it current (rotation).
   */
  metadata?: string | Uint8Array | MetadataProvider | null;
  /** Pinned certificates the metadata must be signed with (unsigned or badly signed metadata is refused). */
  metadataSigningCertificates?: readonly KeyInput[] | null;
  /** Keep trusting static metadata past its validUntil. Default false (METADATA_EXPIRED). */
  allowExpiredMetadata?: boolean;
}

/**
 * Configuration of a verifier. Validated once, at {@link createVerifier}; a bad value throws CONFIG_INVALID.
 * Optional settings accept `null` as "not set" (configuration often arrives as JSON).
 */
export interface VerifyOptions {
  idp: IdpOptions;
  /** Our SP entityID(s): every AudienceRestriction must contain one of them. Required. */
  audience: string | readonly string[];
  /** Our ACS URL: SubjectConfirmationData Recipient (and Response Destination, when present) must equal it. */
  recipient?: string | null;
  /** The AuthnRequest ID this response must answer (SP-initiated flows). Can also be given per call. */
  inResponseTo?: string | null;
  /** The current time; default the system clock. */
  now?: Clock | null;
  /** Tolerated clock difference with the IdP, in seconds. Default 60. */
  clockSkewSeconds?: number | null;
  /** Reject assertions whose IssueInstant is older than this many seconds (plus skew). Off by default. */
  maxAssertionAgeSeconds?: number | null;
  /** Demand a signature on the Assertion itself, not only on the enclosing Response. Default false. */
  requireSignedAssertion?: boolean;
  /** Opt in to SHA-1 signatures and digests (RSA-SHA1, ECDSA-SHA1, SHA-1). Default false. */
  allowSha1?: boolean;
  /** Smallest RSA key accepted, in bits. Default 2048 (1024 with allowSha1); lowering it is an explicit opt-in. */
  minRsaKeyBits?: number;
  /**
   * Opt-in: accept `Reference URI=""` (the whole document) on the signature of an element that is not
   * the document element, such as an Assertion inside a Response; the whole document is then digested.
   * On the document element's own signature `URI=""` is always accepted: XML-DSig §4.3.3.2 makes it
   * cover exactly the root's subtree (samlguard refuses DTDs and PIs, and "" drops comments).
   */
  allowEmptyReferenceUri?: boolean;
  /**
   * Opt-in: accept an assertion that has no AudienceRestriction at all. SAML Web SSO profile §4.1.4.2
   * requires one; a few IdPs omit it. Any AudienceRestriction that IS present must still match.
   */
  allowMissingAudienceRestriction?: boolean;
  /**
   * Opt-in: accept a bearer SubjectConfirmation without SubjectConfirmationData NotOnOrAfter (or without
   * SubjectConfirmationData at all). Profile §4.1.4.2 requires it; Conditions NotOnOrAfter then bounds validity.
   */
  allowMissingSubjectConfirmationData?: boolean;
  /** Parser limits (input size, depth, element count). They apply to decrypted content too. */
  limits?: ParseLimits;
  /**
   * Our side, as a service provider: the private keys IdPs encrypt assertions to (EncryptedAssertion,
   * EncryptedID, EncryptedAttribute). Several keys = rotation. Imported once at createVerifier.
   */
  sp?: SpOptions | null;
  /**
   * Replay protection. In the default 'one-time-use' mode (the API flow, where a client presents the
   * same assertion on every call until it expires) only assertions carrying <OneTimeUse> are accepted
   * once. 'every-assertion' is the Web SSO (ACS) rule: every bearer assertion is accepted once.
   * The store defaults to an in-memory one per verifier; share one (Redis, DynamoDB) across instances.
   */
  replay?: { store?: ReplayStore; mode?: 'one-time-use' | 'every-assertion' };
  /**
   * SP-initiated logins: the IDs of AuthnRequests we issued. When set, every response must answer one
   * of them (Response or SubjectConfirmationData InResponseTo), and each ID is accepted once.
   */
  requestIds?: RequestStore | RequestIdStore;
  /**
   * A cache of verified results keyed by SHA-256 of the exact input, so that an assertion presented
   * again costs a hash and a lookup instead of a parse and a signature check. Time is re-checked on
   * every hit; rejections and OneTimeUse assertions are never cached. Off when absent.
   */
  cache?: CacheOptions;
  /**
   * Called with every identity about to be accepted (fresh or from the cache). Return false to let it
   * through; true (revoked), a throw or a rejection refuses it with REVOKED. Use it for a deny-list of
   * sessions or users; it runs after every other check.
   */
  revocationCheck?: (identity: VerifiedAssertion) => boolean | Promise<boolean>;
}

export interface SpOptions {
  /** RSA private keys: PEM (PKCS#8 or PKCS#1), DER PKCS#8, KeyObject, or { key, passphrase } for an encrypted PEM. */
  decryptionKeys?: readonly DecryptionKeyInput[] | null;
  /**
   * Accept AES-CBC content encryption. Default true, because ADFS, Okta and Keycloak commonly send it;
   * set false to require AES-GCM. (CBC's padding is checked without revealing which check failed.)
   */
  allowCbc?: boolean;
}

/** Facts known per request. */
export interface PerCallOptions {
  now?: Clock | null;
  inResponseTo?: string | null;
}

export type { SubjectInfo, AttributeInfo, SignatureInfo, VerifiedAssertion } from './model/identity.js';
