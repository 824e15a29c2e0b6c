/*
 * The decision every door makes, written once: read which credential came (credential.ts), verify it
 * (SAML Response with the verifier, access token with the token verifier), decide the roles (a SAML
 * identity through the role mapper; a token carries the roles decided when it was issued), and check
 * routes (routes.ts). The API Gateway authorizer and the Fetch request guard differ only in how they read
 * a request and shape the answer.
 */
import type { ErrorCode } from '../../errors.js';
import type { RoleMapper, RoleRule } from '../../roles/mapper.js';
import type { TracerLike, SpanLike } from '../../telemetry/tracing.js';
import type { TokenVerifier, VerifiedToken } from '../../token/verifier.js';
import type { Clock, PerCallOptions, VerifiedAssertion } from '../../types.js';
import type { Verifier } from '../../verifier.js';
import { cacheUntil, createRoleMapper, isCacheHit, isRoleName, isSamlGuardError, SamlGuardError, SPAN_STATUS_ERROR } from './core.js';
import type { Credential } from './credential.js';

/** Which door and event shape a decision came from: API Gateway TOKEN/REQUEST/HTTP, a Fetch Request, or unknown. */
export type DecisionEventKind = 'TOKEN' | 'REQUEST' | 'HTTP' | 'FETCH' | 'unknown';

export interface DecisionBase {
  /** When the decision was made (ISO 8601). */
  at: string;
  event: DecisionEventKind;
  /** The methodArn/routeArn asked about (API Gateway), or `METHOD /path` (Fetch); '' when unknown. */
  resource: string;
  /** The request ID, when the event carries one (API Gateway TOKEN events do not). */
  requestId?: string;
  /** The caller's IP address, when known. */
  sourceIp?: string;
  /** Time spent verifying the credential, ms (when one was read). */
  latencyMs?: number;
  /** Whether a SAML identity came from the verifier's cache. */
  cacheHit?: boolean;
}

/** Access granted. */
export interface AllowDecision extends DecisionBase {
  effect: 'allow';
  principalId: string;
  roles: readonly string[];
  expiresAt: string;
  /** 'SAML' (a Response verified on this call) or 'Bearer' (a samlguard access token). */
  credential: 'SAML' | 'Bearer';
  /** The verified assertion (SAML) or token (Bearer; `identity.kind === 'bearer'`). */
  identity: VerifiedAssertion | VerifiedToken;
}

/** A verified identity without a permitted role: 403. */
export interface DenyDecision extends DecisionBase {
  effect: 'deny';
  code: Extract<ErrorCode, 'NO_ROLE' | 'ROUTE_NOT_PERMITTED' | 'GROUPS_OVERAGE' | 'CLAIM_INVALID'>;
  message: string;
  principalId: string;
  roles: readonly string[];
  credential: 'SAML' | 'Bearer';
  identity: VerifiedAssertion | VerifiedToken;
}

/** No usable credential, or verification failed: 401. */
export interface UnauthorizedDecision extends DecisionBase {
  effect: 'unauthorized';
  code: ErrorCode;
  message: string;
  /** The kind of credential presented, when one could be read. */
  credential?: 'SAML' | 'Bearer';
}

/** An unexpected failure (a bug, a failing clock or mapper): the door fails (500) rather than decide. */
export interface ErrorDecision extends DecisionBase {
  effect: 'error';
  message: string;
}

/** What `onDecision` receives, once per request. JSON-serializable (Dates become ISO strings). */
export type AuthorizerDecision = AllowDecision | DenyDecision | UnauthorizedDecision | ErrorDecision;

/** What every door is configured with (each door adds its own options). Validated at creation. */
export interface DoorOptions {
  /** A verifier from `createVerifier` for SAML credentials, created once, outside the handler. Optional when `tokens` is given. */
  verifier?: Verifier | null;
  /**
   * A verifier of samlguard access tokens (`createTokenVerifier` from `samlguard/token`). When given,
   * `Bearer <jwt>` is accepted (and an access-token cookie); the token's roles are the ones decided when
   * it was issued, and `routes` applies to them as to SAML roles.
   */
  tokens?: TokenVerifier | null;
  /** The scheme of access tokens. Default `Bearer`. */
  bearerScheme?: string | null;
  /**
   * Role rules (validated now) or a mapper from `createRoleMapper`, for SAML credentials. Deny by default:
   * no role, no access. Optional when only `tokens` are accepted (tokens carry their roles).
   */
  roles?: readonly RoleRule[] | RoleMapper | null;
  /**
   * Per-role route permissions, e.g. `{ developer: ['GET /orders/*'], admin: ['ANY /*'] }`: exactly the
   * routes of the identity's roles are allowed (roles not listed grant nothing); when absent, any role
   * allows every route.
   */
  routes?: Readonly<Record<string, readonly string[]>> | null;
  /** Header carrying `<scheme> <credential>`. Default `Authorization`. */
  header?: string | null;
  /** Read the bare credential from this cookie instead of a header (e.g. `samlguard_session`, which the ACS sets). */
  cookie?: string | null;
  /** Auth scheme before the SAML base64 (case-insensitive). Default `SAML`; `null` for the bare base64. */
  scheme?: string | null;
  /** The current time (passed to the verifiers per call). Default the system clock. */
  now?: Clock | null;
  /**
   * Receives every decision, for structured audit logs (the library never logs; see `auditLog`). May be
   * async. It cannot change a decision: a hook that throws on a deny or 401 leaves it so; one that throws
   * on an allow makes the call fail rather than allow an unaudited request.
   */
  onDecision?: ((decision: AuthorizerDecision) => void | Promise<void>) | null;
  /**
   * An OpenTelemetry tracer (`trace.getTracer(…)`, or `await otelTracer()` from samlguard/telemetry): each
   * call gets a `samlguard.authorize` span under the active context, with a `samlguard.verify` child.
   */
  tracer?: TracerLike | null;
}

/** The verification side of a door, validated once. */
export interface Deciders {
  readonly verifier: Verifier | undefined;
  readonly tokens: TokenVerifier | undefined;
  readonly mapper: RoleMapper | undefined;
  readonly tracer: TracerLike | undefined;
}

/** Validate `verifier`, `tokens`, `roles` and `tracer` as every door takes them (CONFIG_INVALID). */
export function readDeciders(options: { verifier?: unknown; tokens?: unknown; roles?: unknown; tracer?: unknown }, invalid: (message: string) => SamlGuardError): Deciders {
  const verifier = (options.verifier ?? undefined) as Verifier | undefined;
  if (verifier !== undefined && (typeof verifier !== 'object' || typeof verifier.verify !== 'function')) throw invalid('verifier must be a verifier from createVerifier (create it once, outside the handler).');
  const tokens = (options.tokens ?? undefined) as TokenVerifier | undefined;
  if (tokens !== undefined && (typeof tokens !== 'object' || typeof tokens.verify !== 'function')) throw invalid('tokens must be a token verifier from createTokenVerifier (samlguard/token).');
  if (verifier === undefined && tokens === undefined) throw invalid('give verifier (SAML credentials), tokens (access tokens), or both.');
  const rolesOption = options.roles;
  let mapper: RoleMapper | undefined;
  if (Array.isArray(rolesOption)) mapper = createRoleMapper(rolesOption as RoleRule[]);
  else if (rolesOption !== null && typeof rolesOption === 'object' && typeof (rolesOption as RoleMapper).map === 'function') mapper = rolesOption as RoleMapper;
  else if (verifier !== undefined || (rolesOption !== undefined && rolesOption !== null)) {
    throw invalid('roles is required: an array of role rules or a mapper from createRoleMapper (deny by default, so without rules nothing is allowed).');
  }
  const tracer = (options.tracer ?? undefined) as TracerLike | undefined;
  if (tracer !== undefined && (typeof tracer !== 'object' || typeof tracer.startActiveSpan !== 'function')) throw invalid('tracer must be an OpenTelemetry Tracer (startActiveSpan).');
  return Object.freeze({ verifier, tokens, mapper, tracer });
}

export function isToken(identity: VerifiedAssertion | VerifiedToken): identity is VerifiedToken {
  return (identity as VerifiedToken).kind === 'bearer';
}

/**
 * Verify a credential; records latency and cache hits on `base`. Throws what the verifier throws
 * (a SamlGuardError is a 401 for the door).
 */
export async function identify(d: Deciders, credential: Credential, perCall: PerCallOptions | undefined, base: DecisionBase): Promise<VerifiedAssertion | VerifiedToken> {
  const started = performance.now();
  try {
    const once = (): Promise<VerifiedAssertion | VerifiedToken> => (credential.kind === 'bearer' ? d.tokens!.verify(credential.value, perCall as { now?: number }) : d.verifier!.verify(credential.value, perCall));
    const identity = d.tracer === undefined ? await once() : await traceVerify(d.tracer, credential, once);
    if (!isToken(identity)) base.cacheHit = isCacheHit(identity);
    return identity;
  } finally {
    base.latencyMs = performance.now() - started;
  }
}

/**
 * The roles of an identity, sorted and unique, and until when the decision may be cached. Throws a
 * SamlGuardError (GROUPS_OVERAGE, CLAIM_INVALID) when the roles cannot be decided, any other error for a
 * broken mapper.
 */
export function rolesFor(d: Deciders, identity: VerifiedAssertion | VerifiedToken, now: number): { roles: string[]; expiresAt: string } {
  const mapped: unknown = isToken(identity) ? [...identity.roles] : d.mapper!.map(identity);
  if (!Array.isArray(mapped) || !mapped.every(isRoleName)) throw new Error('The role mapper returned something other than an array of role names.');
  return { roles: [...new Set(mapped)].sort(), expiresAt: isToken(identity) ? identity.expiresAt.toISOString() : cacheUntil(identity, now).toISOString() };
}

/** Whether a role-decision failure is a 403 (the identity is fine, its roles cannot be decided). */
export function isRoleRefusal(err: unknown): err is SamlGuardError & { code: 'GROUPS_OVERAGE' | 'CLAIM_INVALID' } {
  return isSamlGuardError(err) && (err.code === 'GROUPS_OVERAGE' || err.code === 'CLAIM_INVALID');
}

/** A `samlguard.verify` span around one credential check: issuer, ID, outcome, code, cache hit, input size. */
export async function traceVerify(tracer: TracerLike, credential: Credential, verify: () => Promise<VerifiedAssertion | VerifiedToken>): Promise<VerifiedAssertion | VerifiedToken> {
  return tracer.startActiveSpan('samlguard.verify', async (span: SpanLike) => {
    span.setAttribute('samlguard.credential', credential.kind === 'bearer' ? 'Bearer' : 'SAML');
    span.setAttribute('samlguard.input_bytes', credential.value.length);
    try {
      const identity = await verify();
      span.setAttribute('samlguard.outcome', 'verified');
      span.setAttribute('samlguard.issuer', identity.issuer);
      span.setAttribute(isToken(identity) ? 'samlguard.jti' : 'samlguard.assertion_id', identity.id);
      span.setAttribute('samlguard.cache_hit', !isToken(identity) && isCacheHit(identity));
      return identity;
    } catch (err) {
      span.setAttribute('samlguard.outcome', 'refused');
      if (isSamlGuardError(err)) span.setAttribute('samlguard.code', err.code);
      else span.setStatus({ code: SPAN_STATUS_ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** A `samlguard.authorize` span around a whole door call, with the decision's outcome, code, credential and roles. */
export function traceAuthorize<T>(tracer: TracerLike, run: (record: { decision?: AuthorizerDecision }) => Promise<T>, isRefusal: (err: unknown) => boolean): Promise<T> {
  return tracer.startActiveSpan('samlguard.authorize', async (span: SpanLike) => {
    const record: { decision?: AuthorizerDecision } = {};
    try {
      return await run(record);
    } catch (err) {
      if (!isRefusal(err)) span.setStatus({ code: SPAN_STATUS_ERROR, message: (err as Error).message });
      throw err;
    } finally {
      const d = record.decision;
      if (d !== undefined) {
        span.setAttribute('samlguard.outcome', d.effect);
        if (d.effect !== 'allow' && d.effect !== 'error') span.setAttribute('samlguard.code', d.code);
        if (d.effect !== 'error' && d.credential !== undefined) span.setAttribute('samlguard.credential', d.credential);
        if (d.effect === 'allow' || d.effect === 'deny') span.setAttribute('samlguard.roles', d.roles.join(','));
      }
      span.end();
    }
  });
}

/** Call `onDecision` with a frozen decision made for it alone; report whether it completed. */
export async function reportDecision(onDecision: ((d: AuthorizerDecision) => void | Promise<void>) | undefined, record: { decision?: AuthorizerDecision } | undefined, decision: AuthorizerDecision): Promise<boolean> {
  if (record !== undefined) record.decision = decision;
  if (onDecision === undefined) return true;
  try {
    await onDecision(Object.freeze(decision));
    return true;
  } catch {
    return false;
  }
}

/** What the shared part of a decision concluded, before the door checks routes and shapes its answer. */
export type Identification =
  | { readonly kind: 'identified'; readonly identity: VerifiedAssertion | VerifiedToken; readonly credential: 'SAML' | 'Bearer'; readonly principalId: string; readonly roles: readonly string[]; readonly expiresAt: string }
  | { readonly kind: 'unauthorized'; readonly code: ErrorCode }
  | { readonly kind: 'deny'; readonly code: 'NO_ROLE' | 'GROUPS_OVERAGE' | 'CLAIM_INVALID'; readonly identity: VerifiedAssertion | VerifiedToken; readonly credential: 'SAML' | 'Bearer'; readonly principalId: string; readonly roles: readonly string[] };

/**
 * Read the credential, verify it and decide its roles, reporting the refusals (401, and the 403s that do
 * not depend on the route) through `report`. An unexpected failure is reported as `error` and rethrown;
 * the door then fails rather than decide. The allow, and route refusals, are the door's to report.
 */
export async function identifyAndMap(
  d: Deciders,
  readCredential: () => Credential,
  now: number,
  perCall: PerCallOptions | undefined,
  base: DecisionBase,
  report: (decision: AuthorizerDecision) => Promise<boolean>,
): Promise<Identification> {
  let identity: VerifiedAssertion | VerifiedToken;
  let presented: 'SAML' | 'Bearer' | undefined;
  try {
    const credential = readCredential();
    presented = credential.kind === 'bearer' ? 'Bearer' : 'SAML';
    identity = await identify(d, credential, perCall, base);
  } catch (err) {
    if (!isSamlGuardError(err)) {
      await report({ ...base, effect: 'error', message: err instanceof Error ? err.message : String(err) });
      throw err;
    }
    await report({ ...base, effect: 'unauthorized', code: err.code, message: err.message, ...(presented !== undefined ? { credential: presented } : {}) });
    return { kind: 'unauthorized', code: err.code };
  }
  const credential: 'SAML' | 'Bearer' = presented;
  const principalId = identity.subject.nameId;
  let mapped: { roles: string[]; expiresAt: string };
  try {
    mapped = rolesFor(d, identity, now);
  } catch (err) {
    if (isRoleRefusal(err)) {
      const roles = Object.freeze([] as string[]);
      await report({ ...base, effect: 'deny', code: err.code, message: err.message, principalId, roles, credential, identity });
      return { kind: 'deny', code: err.code, identity, credential, principalId, roles };
    }
    await report({ ...base, effect: 'error', message: err instanceof Error ? err.message : String(err) });
    throw err;
  }
  const roles = Object.freeze([...mapped.roles]);
  if (roles.length === 0) {
    await report({ ...base, effect: 'deny', code: 'NO_ROLE', message: 'No role rule matched this identity.', principalId, roles, credential, identity });
    return { kind: 'deny', code: 'NO_ROLE', identity, credential, principalId, roles };
  }
  return { kind: 'identified', identity, credential, principalId, roles, expiresAt: mapped.expiresAt };
}
