/*
 * The service-provider side of sign-in (SAML profiles §4.1): the AuthnRequest that starts an SP-initiated
 * login, the SP metadata an IdP administrator loads, and the ACS that receives the IdP's POST. Built on the
 * verifier: the ACS is `verify` plus request tracking (each request answered once, unsolicited responses
 * refused unless allowed) and RelayState checks.
 */
import type { KeyObject } from 'node:crypto';
import { SamlGuardError, quote } from '../errors.js';
import { checkClock, invalid, nonEmptyString, optionalSeconds, optionalString, readClock } from '../config/values.js';
import { certificateBase64, importSigningKey, type SigningKey } from '../keys/signing.js';
import { parseIdpMetadata, type IdpMetadata } from '../metadata/parse.js';
import type { MetadataProvider } from '../metadata/provider.js';
import { createMemoryRequestStore, createMemoryRevocationStore } from '../stores/memory.js';
import type { ReplayStore, RequestIdStore, RequestStore, RevocationStore, RevocationTarget } from '../stores/types.js';
import type { Clock, IdpOptions, VerifiedAssertion, VerifyOptions } from '../types.js';
import { createVerifier, type Verifier } from '../verifier.js';
import { readSignaturePolicy } from '../verifier/settings.js';
import type { DecryptionKeyInput } from '../xmlenc/decrypt.js';
import { BINDING_POST, BINDING_REDIRECT, postForm, redirectUrl, type PostForm } from './bindings.js';
import { authnRequestXml, logoutResponseXml } from './messages.js';
import { verifyLogoutRequest, type LogoutMessage, type VerifiedLogoutRequest } from './logout.js';
import { spMetadataXml } from './metadata.js';
import { checkRelayState, compileRelayStatePolicy, type RelayStatePolicy } from './relay-state.js';
import { issuedAtOf, newMessageId } from './request-id.js';

/** The IdP, as for `createVerifier`, plus where its sign-on service is when metadata does not say. */
export interface SpIdpOptions extends IdpOptions {
  /** The IdP's SingleSignOnService URL. Default: from `metadata` (HTTP-Redirect preferred, else HTTP-POST). */
  ssoUrl?: string | null;
  /** The binding of `ssoUrl`. Default 'redirect'. */
  ssoBinding?: 'redirect' | 'post' | null;
  /** Where LogoutResponses go (HTTP-Redirect). Default: from `metadata` (ResponseLocation, else Location). */
  sloUrl?: string | null;
}

/** A decryption key, optionally with the certificate to publish in the SP metadata (use="encryption"). */
export type SpDecryptionKey = DecryptionKeyInput | { privateKey: DecryptionKeyInput; certificate: string };

/** Verifier settings the SP passes through (audience, recipient and replay mode are set by the SP). */
export type SpVerifierOptions = Pick<
  VerifyOptions,
  'clockSkewSeconds' | 'maxAssertionAgeSeconds' | 'requireSignedAssertion' | 'allowSha1' | 'minRsaKeyBits' | 'allowMissingAudienceRestriction' | 'allowMissingSubjectConfirmationData' | 'allowEmptyReferenceUri' | 'limits' | 'revocationCheck'
>;

/** Options of {@link createServiceProvider}; validated at creation (CONFIG_INVALID). */
export interface ServiceProviderOptions {
  /** Our SP entityID, as registered at the IdP. It is the verifier's audience. */
  entityId: string;
  /** Our Assertion Consumer Service URL, byte for byte as registered at the IdP. It is the verifier's recipient. */
  acsUrl: string;
  idp: SpIdpOptions;
  /** Signs AuthnRequests (RSA-SHA256, or ECDSA-SHA256 for a P-256 key); the certificate goes into our metadata. */
  signing?: { privateKey: string | KeyObject; certificate: string } | null;
  /** Private keys IdPs encrypt assertions to; with a certificate, it is published in our metadata. */
  decryptionKeys?: readonly SpDecryptionKey[] | null;
  /** Outstanding request IDs. Default: in memory (one process only: share Redis or DynamoDB behind a load balancer or in Lambda). */
  requests?: RequestStore | RequestIdStore | null;
  /** How long a login may take, from our AuthnRequest to the IdP's response. Default 300 s. */
  requestTtlSeconds?: number | null;
  /** Accept IdP-initiated (unsolicited) responses. Default false: they enable login CSRF. */
  allowIdpInitiated?: boolean | null;
  /** NameIDPolicy Format to ask for (also listed in our metadata). Default: none (the IdP chooses). */
  nameIdFormat?: string | null;
  /** Ask the IdP to authenticate the user again even with a session (ForceAuthn). Default false. */
  forceAuthn?: boolean | null;
  /** RequestedAuthnContext (exact) class references, e.g. MFA. Default: none. */
  authnContextClassRef?: string | readonly string[] | null;
  /** Absolute RelayState URLs are allowed only for these origins; relative paths always are. */
  relayState?: { allowedOrigins?: readonly string[] | null } | null;
  /** Our Single Logout endpoint (HTTP-Redirect), published in our metadata. */
  sloUrl?: string | null;
  /**
   * Where accepted assertion IDs are remembered (Profiles §4.1.4.5: every bearer assertion is accepted
   * once at the ACS). Default: in memory; share one store across instances.
   */
  replayStore?: ReplayStore | null;
  /**
   * Where Single Logout records what it revokes (the session's `sid`, or the user's `sub`): give the same
   * store to the token verifier so a user the IdP signs out is refused on their next call. Default: in
   * memory (one process only).
   */
  revocation?: RevocationStore | null;
  /** How long a logout's revocation is kept: at least the longest token lifetime. Default 86400 s. */
  revocationTtlSeconds?: number | null;
  /** The current time. Default the system clock. */
  now?: Clock | null;
  /** How long the IdP may cache our metadata (cacheDuration), in seconds. Default 86400. */
  metadataCacheSeconds?: number | null;
  /** Further verifier settings. */
  verifier?: SpVerifierOptions | null;
}

/** What {@link ServiceProvider.authnRequest} returns: redirect the browser to `url`, or render `form` (see `postFormHtml`). */
export type AuthnRequestResult = { readonly id: string; readonly expiresAt: Date; readonly relayState?: string } & ({ readonly url: string; readonly form?: undefined } | { readonly form: PostForm; readonly url?: undefined });

export interface AcsResult {
  readonly identity: VerifiedAssertion;
  /** The RelayState, checked (relative path or allow-listed URL); undefined when none came. Never followed by the library. */
  readonly relayState: string | undefined;
}

export interface ServiceProvider {
  readonly entityId: string;
  readonly acsUrl: string;
  /** The verifier the ACS uses (audience = entityId, recipient = acsUrl, every assertion accepted once). */
  readonly verifier: Verifier;
  /** Start an SP-initiated login: a fresh request ID is recorded as outstanding for requestTtlSeconds. */
  authnRequest(options?: { binding?: 'redirect' | 'post'; relayState?: string | null; forceAuthn?: boolean }): Promise<AuthnRequestResult>;
  /** Our SP metadata (EntityDescriptor XML), for the IdP administrator. Serve as application/samlmetadata+xml. */
  metadata(): string;
  /** The ACS: verify the IdP's POST (form fields SAMLResponse and RelayState). */
  acs(form: { SAMLResponse: string; RelayState?: string | null }): Promise<AcsResult>;
  /**
   * IdP-initiated Single Logout: verify the signed LogoutRequest (HTTP-Redirect raw query, or HTTP-POST
   * form), revoke its sessions (`sid` = each SessionIndex) or, without one, the user (`sub` = NameID), and
   * build the LogoutResponse (signed when a signing key is configured) to send the browser back with.
   */
  logout(message: LogoutMessage): Promise<LogoutResult>;
  /** The revocation store logout writes to (share it with createTokenVerifier). */
  readonly revocation: RevocationStore;
}

export interface LogoutResult {
  readonly request: VerifiedLogoutRequest;
  readonly revoked: readonly RevocationTarget[];
  /** The LogoutResponse: redirect to `url`, or render `form` (see postFormHtml). */
  readonly response: { readonly url: string; readonly form?: undefined } | { readonly form: PostForm; readonly url?: undefined };
}

function spError(code: 'REQUEST_UNKNOWN' | 'REQUEST_EXPIRED' | 'UNSOLICITED_RESPONSE', message: string, details?: Record<string, unknown>): SamlGuardError {
  return new SamlGuardError(code, message, { path: 'Response', details });
}

function absoluteUrl(value: unknown, name: string): string {
  const s = nonEmptyString(value, name);
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    throw invalid(`createServiceProvider: ${name} must be an absolute URL (got ${quote(s)}).`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(`createServiceProvider: ${name} must be an http(s) URL.`);
  return s;
}

async function storeCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    if (cause instanceof SamlGuardError && cause.code === 'REPLAY_STORE_UNAVAILABLE') throw cause;
    throw new SamlGuardError('REPLAY_STORE_UNAVAILABLE', `The request store failed to ${what}; the login was refused rather than continued unchecked.`, { cause });
  }
}

/**
 * Create the SP side of sign-in once, outside the request handler: configuration is validated and keys are
 * imported here. See {@link ServiceProvider} for what it does per request.
 */
export function createServiceProvider(options: ServiceProviderOptions): ServiceProvider {
  if (options === null || typeof options !== 'object') throw invalid('createServiceProvider: options are required: { entityId, acsUrl, idp }.');
  const entityId = nonEmptyString(options.entityId, 'createServiceProvider: entityId');
  const acsUrl = absoluteUrl(options.acsUrl, 'acsUrl');
  const sloUrl = options.sloUrl === undefined || options.sloUrl === null ? undefined : absoluteUrl(options.sloUrl, 'sloUrl');
  if (options.idp === null || typeof options.idp !== 'object') throw invalid('createServiceProvider: idp is required: { metadata } or { entityId, certificates, ssoUrl }.');
  const { ssoUrl: ssoUrlOption, ssoBinding: ssoBindingOption, sloUrl: idpSloOption, ...idp } = options.idp;
  const idpSloUrl = idpSloOption === undefined || idpSloOption === null ? undefined : absoluteUrl(idpSloOption, 'idp.sloUrl');
  const revocation: RevocationStore = options.revocation ?? createMemoryRevocationStore();
  if (typeof revocation.revoke !== 'function' || typeof revocation.isRevoked !== 'function') throw invalid('createServiceProvider: revocation must be a revocation store (revoke/isRevoked).');
  const revocationTtlMs = (optionalSeconds(options.revocationTtlSeconds, 'createServiceProvider: revocationTtlSeconds', 86_400) ?? 86_400) * 1000;
  const skewMs = (optionalSeconds(options.verifier?.clockSkewSeconds, 'createServiceProvider: verifier.clockSkewSeconds', 60) ?? 60) * 1000;
  const requestTtlMs = (optionalSeconds(options.requestTtlSeconds, 'createServiceProvider: requestTtlSeconds', 300) ?? 300) * 1000;
  if (requestTtlMs <= 0) throw invalid('createServiceProvider: requestTtlSeconds must be positive.');
  const allowIdpInitiated = options.allowIdpInitiated === true;
  const nameIdFormat = optionalString(options.nameIdFormat, 'createServiceProvider: nameIdFormat');
  const forceAuthnDefault = options.forceAuthn === true;
  const classRefs = options.authnContextClassRef === undefined || options.authnContextClassRef === null ? undefined : typeof options.authnContextClassRef === 'string' ? [options.authnContextClassRef] : [...options.authnContextClassRef];
  if (classRefs !== undefined && (classRefs.length === 0 || !classRefs.every((c) => typeof c === 'string' && c.trim() !== ''))) throw invalid('createServiceProvider: authnContextClassRef must be a non-empty string or list of them.');
  const relayPolicy: RelayStatePolicy = compileRelayStatePolicy(options.relayState, 'createServiceProvider');
  const clock = checkClock(options.now, 'createServiceProvider: now');
  const cacheSeconds = optionalSeconds(options.metadataCacheSeconds, 'createServiceProvider: metadataCacheSeconds', 86_400)!;

  const requests: RequestStore | RequestIdStore = options.requests ?? createMemoryRequestStore();
  if (typeof (requests as RequestStore).consume !== 'function' || (typeof (requests as RequestStore).put !== 'function' && typeof (requests as RequestIdStore).issue !== 'function')) {
    throw invalid('createServiceProvider: requests must be a request store (put/consume), e.g. createRedisRequestStore from samlguard/stores/redis.');
  }
  const putRequest = (id: string, expiresAt: Date): Promise<void> =>
    typeof (requests as RequestStore).put === 'function' ? (requests as RequestStore).put(id, expiresAt) : (requests as RequestIdStore).issue(id, expiresAt);

  const signing: SigningKey | undefined = options.signing === undefined || options.signing === null ? undefined : importSigningKey(options.signing, 'createServiceProvider: signing');

  const decryptionKeys: DecryptionKeyInput[] = [];
  const encryptionCertificates: string[] = [];
  for (const [i, k] of (options.decryptionKeys ?? []).entries()) {
    if (k !== null && typeof k === 'object' && 'privateKey' in k && 'certificate' in k && typeof (k as { certificate: unknown }).certificate === 'string') {
      decryptionKeys.push((k as { privateKey: DecryptionKeyInput }).privateKey);
      encryptionCertificates.push(certificateBase64((k as { certificate: string }).certificate, `createServiceProvider: decryptionKeys[${i}].certificate`));
    } else decryptionKeys.push(k as DecryptionKeyInput);
  }

  // Logout messages are checked under the same signature policy as responses.
  const logoutDsig = readSignaturePolicy(options.verifier ?? {});

  const verifier = createVerifier({
    ...(options.verifier ?? {}),
    idp,
    audience: entityId,
    recipient: acsUrl,
    ...(clock === undefined ? {} : { now: clock }),
    replay: { mode: 'every-assertion', ...(options.replayStore ? { store: options.replayStore } : {}) },
    ...(decryptionKeys.length > 0 ? { sp: { decryptionKeys } } : {}),
  });

  // Where to send AuthnRequests: configured, or read from the IdP metadata (static, or the provider's current copy).
  const staticMetadata: IdpMetadata | undefined =
    typeof idp.metadata === 'string' || idp.metadata instanceof Uint8Array ? parseIdpMetadata(idp.metadata, idp.entityId ? { entityId: idp.entityId } : {}) : undefined;
  const provider = idp.metadata !== null && typeof idp.metadata === 'object' && !(idp.metadata instanceof Uint8Array) ? (idp.metadata as MetadataProvider) : undefined;
  const configuredSso = ssoUrlOption === undefined || ssoUrlOption === null ? undefined : absoluteUrl(ssoUrlOption, 'idp.ssoUrl');
  if (ssoBindingOption !== undefined && ssoBindingOption !== null && ssoBindingOption !== 'redirect' && ssoBindingOption !== 'post') throw invalid("createServiceProvider: idp.ssoBinding must be 'redirect' or 'post'.");
  if (configuredSso === undefined && staticMetadata !== undefined && !staticMetadata.singleSignOnServices.some((s) => s.binding === BINDING_REDIRECT || s.binding === BINDING_POST)) {
    throw invalid('createServiceProvider: the IdP metadata lists no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding; give idp.ssoUrl.');
  }
  if (configuredSso === undefined && staticMetadata === undefined && provider === undefined) throw invalid('createServiceProvider: give idp.metadata (which names the sign-on URL) or idp.ssoUrl.');

  function ssoEndpoint(binding: 'redirect' | 'post' | undefined): { url: string; binding: 'redirect' | 'post' } {
    if (configuredSso !== undefined) {
      const b = ssoBindingOption ?? 'redirect';
      if (binding !== undefined && binding !== b) throw invalid(`createServiceProvider: idp.ssoUrl is configured for the ${b} binding; ${binding} was asked for.`);
      return { url: configuredSso, binding: b };
    }
    const md = staticMetadata ?? provider?.current()?.metadata;
    if (md === undefined) throw new SamlGuardError('METADATA_UNAVAILABLE', 'No IdP metadata is loaded yet, so the sign-on URL is unknown: hydrate the metadata provider first.');
    const pickBinding = (b: 'redirect' | 'post') => md.singleSignOnServices.find((s) => s.binding === (b === 'redirect' ? BINDING_REDIRECT : BINDING_POST));
    const order: ('redirect' | 'post')[] = binding !== undefined ? [binding] : ['redirect', 'post'];
    for (const b of order) {
      const found = pickBinding(b);
      if (found !== undefined) return { url: found.location, binding: b };
    }
    throw new SamlGuardError('METADATA_INVALID', `The IdP metadata lists no SingleSignOnService for the ${binding ?? 'HTTP-Redirect or HTTP-POST'} binding.`);
  }

  const now = (): number => readClock(clock);

  async function authnRequest(o: { binding?: 'redirect' | 'post'; relayState?: string | null; forceAuthn?: boolean } = {}): Promise<AuthnRequestResult> {
    if (o.binding !== undefined && o.binding !== 'redirect' && o.binding !== 'post') throw invalid("authnRequest: binding must be 'redirect' or 'post'.");
    const relayState = checkRelayState(o.relayState ?? undefined, relayPolicy);
    const endpoint = ssoEndpoint(o.binding);
    const t = now();
    const id = newMessageId(t);
    const expiresAt = new Date(t + requestTtlMs);
    const xml = authnRequestXml({
      id,
      issueInstant: t,
      destination: endpoint.url,
      issuer: entityId,
      acsUrl,
      forceAuthn: o.forceAuthn ?? forceAuthnDefault,
      ...(nameIdFormat !== undefined ? { nameIdFormat } : {}),
      ...(classRefs !== undefined ? { authnContextClassRef: classRefs } : {}),
    });
    // The store expires entries on its own (wall) clock, as the replay store does: the remaining lifetime
    // is what it is told, whatever clock this SP was given.
    await storeCall('record the request', () => putRequest(id, new Date(Date.now() + requestTtlMs)));
    const extra = relayState === undefined ? {} : { relayState };
    if (endpoint.binding === 'redirect') return Object.freeze({ id, expiresAt, url: redirectUrl(endpoint.url, 'SAMLRequest', xml, relayState, signing), ...extra });
    return Object.freeze({ id, expiresAt, form: postForm(endpoint.url, 'SAMLRequest', xml, relayState, signing), ...extra });
  }

  function metadata(): string {
    return spMetadataXml({
      entityId,
      acsUrl,
      sloUrl,
      signingCertificates: signing?.certificateB64 !== undefined ? [signing.certificateB64] : [],
      encryptionCertificates,
      authnRequestsSigned: signing !== undefined,
      nameIdFormat,
      cacheDuration: `PT${Math.floor(cacheSeconds)}S`,
    });
  }

  async function acs(form: { SAMLResponse: string; RelayState?: string | null }): Promise<AcsResult> {
    if (form === null || typeof form !== 'object' || typeof form.SAMLResponse !== 'string' || form.SAMLResponse === '') {
      throw new SamlGuardError('INPUT_MALFORMED', 'The ACS needs the SAMLResponse form field (HTTP-POST binding).');
    }
    // RelayState first: refusing it changes no state, so a bad one does not burn the user's login.
    const relayState = checkRelayState(form.RelayState ?? undefined, relayPolicy);
    const t = now();
    const identity = await verifier.verify(form.SAMLResponse, { now: t });
    const answered = identity.inResponseTo;
    if (answered === undefined) {
      if (!allowIdpInitiated) {
        throw spError('UNSOLICITED_RESPONSE', 'The response answers no request of ours (IdP-initiated sign-on). Start the login at this SP (authnRequest), or set allowIdpInitiated if you accept the login-CSRF risk.');
      }
      return Object.freeze({ identity, relayState });
    }
    const consumed = await storeCall('consume the request', () => requests.consume(answered));
    // The TTL is enforced on this SP's clock too (the store only knows its own): an ID we made carries
    // its issue instant.
    const issuedAt = issuedAtOf(answered);
    if (issuedAt !== undefined && t >= issuedAt + requestTtlMs) {
      throw spError('REQUEST_EXPIRED', `The response answers our request ${quote(answered)} from ${new Date(issuedAt).toISOString()}, which expired after requestTtlSeconds (${requestTtlMs / 1000} s). Sign in again.`, { requestId: answered });
    }
    if (!consumed) {
      throw spError('REQUEST_UNKNOWN', `The response answers request ${quote(answered)}, which this SP has no record of or which was already answered. Each login can be completed once; with several instances, share the request store.`, { requestId: answered });
    }
    return Object.freeze({ identity, relayState });
  }

  function idpLogoutEndpoint(): string {
    if (idpSloUrl !== undefined) return idpSloUrl;
    const md = staticMetadata ?? provider?.current()?.metadata;
    const slo = md?.singleLogoutServices.find((s) => s.binding === BINDING_REDIRECT) ?? md?.singleLogoutServices.find((s) => s.binding === BINDING_POST);
    if (slo === undefined) throw new SamlGuardError('METADATA_INVALID', 'The IdP metadata lists no SingleLogoutService, so the LogoutResponse has nowhere to go: give idp.sloUrl.');
    return slo.responseLocation ?? slo.location;
  }

  async function logout(message: LogoutMessage): Promise<LogoutResult> {
    if (message === null || typeof message !== 'object' || (message.binding !== 'redirect' && message.binding !== 'post')) {
      throw new SamlGuardError('INPUT_MALFORMED', "logout takes { binding: 'redirect', rawQuery } or { binding: 'post', form }.");
    }
    const t = now();
    const entity = verifier.entityId;
    if (entity === undefined) throw new SamlGuardError('METADATA_UNAVAILABLE', 'No IdP metadata is loaded yet, so the LogoutRequest cannot be checked.');
    const request = verifyLogoutRequest(message, {
      entityId: entity,
      keys: verifier.keys,
      sloUrl,
      now: t,
      skewMs,
      dsig: logoutDsig,
      limits: options.verifier?.limits,
    });
    const targets: RevocationTarget[] = request.sessionIndexes.length > 0 ? request.sessionIndexes.map((sid) => ({ sid, sub: request.nameId })) : [{ sub: request.nameId }];
    const until = new Date(t + revocationTtlMs);
    for (const target of targets) {
      // A session revocation names only that session; without a SessionIndex the whole user is signed out.
      const only: RevocationTarget = request.sessionIndexes.length > 0 ? { sid: target.sid! } : { sub: target.sub! };
      try {
        await revocation.revoke(only, until);
      } catch (cause) {
        throw new SamlGuardError('REVOCATION_STORE_UNAVAILABLE', 'The revocation store failed to record the logout; the IdP is told it failed.', { cause });
      }
    }
    const destination = idpLogoutEndpoint();
    const xml = logoutResponseXml({ id: newMessageId(t), issueInstant: t, destination, issuer: entityId, inResponseTo: request.id, status: 'urn:oasis:names:tc:SAML:2.0:status:Success' });
    const revoked = Object.freeze(targets.map((x) => Object.freeze(request.sessionIndexes.length > 0 ? { sid: x.sid! } : { sub: x.sub! })));
    const response = message.binding === 'redirect' ? { url: redirectUrl(destination, 'SAMLResponse', xml, request.relayState, signing) } : { form: postForm(destination, 'SAMLResponse', xml, request.relayState, signing) };
    return Object.freeze({ request, revoked, response: Object.freeze(response) });
  }

  return Object.freeze({ entityId, acsUrl, verifier, authnRequest, metadata, acs, logout, revocation });
}
