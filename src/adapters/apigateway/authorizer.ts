import type {
  APIGatewayAuthorizerResult,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
  APIGatewayTokenAuthorizerEvent,
} from 'aws-lambda';
import type { ErrorCode } from '../../errors.js';
export type { AllowDecision, AuthorizerDecision, DenyDecision, ErrorDecision, UnauthorizedDecision } from '../shared/decide.js';
import { SamlGuardError } from './core.js';
import { cookieFromHeaders, cookieFromV2, parseAuthorization, singleHeader, type Credential, type CredentialSource } from '../shared/credential.js';
import { identifyAndMap, readDeciders, reportDecision, traceAuthorize, type AllowDecision, type AuthorizerDecision, type DecisionBase, type DecisionEventKind, type DenyDecision, type DoorOptions } from '../shared/decide.js';
import { compileRoutes, routesOf } from '../shared/routes.js';
import { parseApiArn, policyDocument, resourceMatches, wholeStage } from './policy.js';

/** The three event shapes the handler accepts (HTTP API payload 1.0 has the REST REQUEST shape). */
export type SamlAuthorizerEvent = APIGatewayTokenAuthorizerEvent | APIGatewayRequestAuthorizerEvent | APIGatewayRequestAuthorizerEventV2;

/**
 * The authorizer context handed to the integration (`event.requestContext.authorizer` in the backend).
 * Strings only: API Gateway rejects objects and arrays in the context.
 */
export type SamlAuthorizerContext = {
  /** The Subject NameID (also the policy's principalId). */
  nameId: string;
  /** The granted roles, comma-joined, sorted (role names never contain a comma); '' when none. */
  roles: string;
  /** ISO 8601 instant after which this identity must not be trusted (see `cacheUntil`). */
  expiresAt: string;
  /** The assertion ID (SAML), or the token's jti (Bearer). */
  assertionId: string;
  /** The IdP entityID that issued the assertion (for a Bearer token, the IdP the user signed in with). */
  issuer: string;
  /** Which credential was presented: 'SAML' or 'Bearer'. */
  credential: 'SAML' | 'Bearer';
};

/** IAM-policy response (REST API, and HTTP API with `httpApiResponse: 'policy'`). */
export type SamlPolicyResult = APIGatewayAuthorizerResult & { context: SamlAuthorizerContext };
/** HTTP API simple response. */
export type SamlSimpleResult = APIGatewaySimpleAuthorizerWithContextResult<SamlAuthorizerContext>;

/** The Lambda handler: async, one argument (API Gateway's event); throws `Error('Unauthorized')` for a 401. */
export interface SamlAuthorizerHandler {
  (event: APIGatewayTokenAuthorizerEvent): Promise<SamlPolicyResult>;
  (event: APIGatewayRequestAuthorizerEvent): Promise<SamlPolicyResult>;
  (event: APIGatewayRequestAuthorizerEventV2): Promise<SamlPolicyResult | SamlSimpleResult>;
  (event: SamlAuthorizerEvent): Promise<SamlPolicyResult | SamlSimpleResult>;
}

/** Which event shape was received. 'HTTP' is the HTTP API payload 2.0; 'unknown' anything else. */
export type AuthorizerEventKind = Exclude<DecisionEventKind, 'FETCH'>;

/** Options of {@link createSamlAuthorizer}; validated at creation (CONFIG_INVALID). */
export interface SamlAuthorizerOptions extends DoorOptions {
  /** HTTP API payload 2.0 response format; must match the authorizer's `EnableSimpleResponses`. Default 'simple'. */
  httpApiResponse?: 'simple' | 'policy' | null;
}

const OPTION_KEYS = new Set(['verifier', 'tokens', 'bearerScheme', 'roles', 'routes', 'header', 'cookie', 'scheme', 'httpApiResponse', 'now', 'onDecision', 'tracer']);
// RFC 9110 token characters: header names, auth schemes, cookie names.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function invalid(message: string): SamlGuardError {
  return new SamlGuardError('CONFIG_INVALID', `createSamlAuthorizer: ${message}`);
}

function optionalToken(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !TOKEN.test(value)) throw invalid(`${name} must be a header/cookie/scheme token such as "Authorization" (got ${typeof value === 'string' ? JSON.stringify(value) : typeof value}).`);
  return value;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

function compileClock(value: unknown): (() => number) | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'function') {
    const fn = value as () => Date | number;
    return () => {
      const v = fn();
      const ms = v instanceof Date ? v.getTime() : v;
      if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new Error('createSamlAuthorizer: now() returned an invalid time.');
      return ms;
    };
  }
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : typeof value === 'string' && ISO_INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw invalid('now must be a Date, epoch milliseconds, an ISO 8601 instant with a zone, or a function returning a Date or number.');
  return () => ms;
}

/** What one call decided, for its authorize span. */
interface CallRecord {
  decision?: AuthorizerDecision;
}


function sourceIpOf(event: { requestContext?: unknown }): string | undefined {
  const ctx = event.requestContext as { identity?: { sourceIp?: unknown }; http?: { sourceIp?: unknown } } | null | undefined;
  const ip = ctx?.http?.sourceIp ?? ctx?.identity?.sourceIp;
  return typeof ip === 'string' ? ip : undefined;
}

function requestIdOf(event: { requestContext?: unknown }): string | undefined {
  const ctx = event.requestContext;
  const id = ctx !== null && typeof ctx === 'object' ? (ctx as { requestId?: unknown }).requestId : undefined;
  return typeof id === 'string' ? id : undefined;
}

function classify(event: unknown): AuthorizerEventKind {
  if (event === null || typeof event !== 'object') return 'unknown';
  const e = event as Record<string, unknown>;
  if (e.type === 'TOKEN' && typeof e.methodArn === 'string') return 'TOKEN';
  if (e.type === 'REQUEST' && e.version === '2.0' && typeof e.routeArn === 'string') return 'HTTP';
  if (e.type === 'REQUEST' && typeof e.methodArn === 'string') return 'REQUEST';
  return 'unknown';
}

/**
 * Create an API Gateway Lambda authorizer from a verifier and role rules. Call it once, outside the
 * handler (configuration is validated here: CONFIG_INVALID), and export the result as the handler:
 * it accepts REST `TOKEN` and `REQUEST` events and HTTP API payload 2.0 events, detected by shape.
 *
 * - No credential, a malformed one, or a verification failure: throws `Error('Unauthorized')` (401).
 * - A verified identity without a role permitting the route: an explicit Deny policy (403), or
 *   `isAuthorized: false` for HTTP API simple responses.
 * - Otherwise an Allow policy for the whole stage, or for the routes of the identity's roles (`routes`),
 *   with `principalId` = NameID and a string-only context ({@link SamlAuthorizerContext}).
 */
export function createSamlAuthorizer(options: SamlAuthorizerOptions): SamlAuthorizerHandler {
  if (options === null || typeof options !== 'object') throw invalid('options are required: { verifier, roles }.');
  const unknownKeys = Object.keys(options).filter((k) => !OPTION_KEYS.has(k));
  if (unknownKeys.length > 0) throw invalid(`unknown option ${JSON.stringify(unknownKeys[0])} (allowed: ${[...OPTION_KEYS].join(', ')}).`);
  const deciders = readDeciders(options, invalid);
  const { verifier, tokens, tracer } = deciders;
  const routes = compileRoutes(options.routes, 'createSamlAuthorizer');
  const cookie = optionalToken(options.cookie, 'cookie');
  const header = optionalToken(options.header, 'header');
  if (cookie !== undefined && header !== undefined) throw invalid('give header or cookie, not both: the credential has one place.');
  const scheme = options.scheme === null ? undefined : (optionalToken(options.scheme, 'scheme') ?? 'SAML');
  const bearer = tokens === undefined ? undefined : (optionalToken(options.bearerScheme, 'bearerScheme') ?? 'Bearer');
  if (bearer !== undefined && scheme !== undefined && bearer.toLowerCase() === scheme.toLowerCase()) throw invalid('scheme and bearerScheme must differ.');
  const source: CredentialSource = { header: cookie === undefined ? (header ?? 'Authorization').toLowerCase() : undefined, cookie, scheme, bearer, saml: verifier !== undefined };
  const httpApiResponse = options.httpApiResponse ?? 'simple';
  if (httpApiResponse !== 'simple' && httpApiResponse !== 'policy') throw invalid("httpApiResponse must be 'simple' or 'policy'.");
  const clock = compileClock(options.now);
  const onDecision = options.onDecision ?? undefined;
  if (onDecision !== undefined && typeof onDecision !== 'function') throw invalid('onDecision must be a function.');

  const report = (call: CallRecord | undefined, decision: AuthorizerDecision): Promise<boolean> => reportDecision(onDecision, call, decision);

  function credentialOf(kind: AuthorizerEventKind, event: SamlAuthorizerEvent): Credential {
    if (kind === 'TOKEN') return parseAuthorization((event as APIGatewayTokenAuthorizerEvent).authorizationToken, { ...source, header: undefined }, 'authorizationToken');
    if (kind === 'REQUEST') {
      const e = event as APIGatewayRequestAuthorizerEvent;
      return source.cookie !== undefined ? cookieFromHeaders(e.headers, e.multiValueHeaders, source) : singleHeader(e.headers, e.multiValueHeaders, source);
    }
    const e = event as APIGatewayRequestAuthorizerEventV2;
    return source.cookie !== undefined ? cookieFromV2(e.cookies, e.headers, source) : singleHeader(e.headers, undefined, source);
  }

  async function handle(event: SamlAuthorizerEvent, call?: CallRecord): Promise<SamlPolicyResult | SamlSimpleResult> {
    const kind = classify(event);
    const e = event as unknown as Record<string, unknown>;
    const base: DecisionBase = { at: '', event: kind, resource: kind === 'HTTP' ? String(e.routeArn) : kind === 'unknown' ? '' : String(e.methodArn) };
    const requestId = kind === 'unknown' ? undefined : requestIdOf(event as { requestContext?: unknown });
    if (requestId !== undefined) base.requestId = requestId;
    const sourceIp = kind === 'unknown' ? undefined : sourceIpOf(event as { requestContext?: unknown });
    if (sourceIp !== undefined) base.sourceIp = sourceIp;

    let now: number;
    try {
      now = clock === undefined ? Date.now() : clock();
    } catch (err) {
      await report(call, { ...base, at: new Date().toISOString(), effect: 'error', message: (err as Error).message });
      throw err;
    }
    base.at = new Date(now).toISOString();

    const unauthorized = async (code: ErrorCode, message: string, credential?: 'SAML' | 'Bearer'): Promise<never> => {
      await report(call, { ...base, effect: 'unauthorized', code, message, ...(credential !== undefined ? { credential } : {}) });
      // Exactly this message: it is what makes API Gateway answer 401 instead of 500.
      throw new Error('Unauthorized');
    };

    if (kind === 'unknown') return unauthorized('INPUT_MALFORMED', 'The event is not an API Gateway TOKEN, REQUEST or HTTP API 2.0 authorizer event.');
    const arn = parseApiArn(base.resource);
    if (arn === undefined) return unauthorized('INPUT_MALFORMED', `The event's ${kind === 'HTTP' ? 'routeArn' : 'methodArn'} is not an execute-api ARN.`);

    const outcome = await identifyAndMap(deciders, () => credentialOf(kind, event), now, clock === undefined ? undefined : { now }, base, (d) => report(call, d));
    // Exactly this message: it is what makes API Gateway answer 401 instead of 500.
    if (outcome.kind === 'unauthorized') throw new Error('Unauthorized');
    const { identity, credential, principalId } = outcome;
    if (outcome.kind === 'deny') {
      const context: SamlAuthorizerContext = { nameId: principalId, roles: outcome.roles.join(','), expiresAt: identity.expiresAt.toISOString(), assertionId: identity.id, issuer: identity.issuer, credential };
      return denyResult(kind, principalId, context, [wholeStage(arn)]);
    }
    const { roles, expiresAt } = outcome;
    const context: SamlAuthorizerContext = { nameId: principalId, roles: roles.join(','), expiresAt, assertionId: identity.id, issuer: identity.issuer, credential };

    let allowed: string[];
    if (routes === undefined) {
      allowed = [wholeStage(arn)];
    } else {
      allowed = routesOf(routes, roles).map((r) => `${arn.prefix}/${arn.stage}/${r}`);
    }
    const permitted = allowed.some((pattern) => resourceMatches(pattern, arn.arn));
    if (!permitted) {
      // Deny this route explicitly but keep allowing the others: the response is cached per credential.
      const denied = allowed.length === 0 ? [wholeStage(arn)] : [arn.arn];
      return deny(call, kind, principalId, context, denied, { ...base, effect: 'deny', code: 'ROUTE_NOT_PERMITTED', message: `The roles ${roles.join(', ')} do not permit ${arn.route.replace('/', ' /')}.`, principalId, roles: roles, credential, identity }, allowed);
    }

    const result: SamlPolicyResult | SamlSimpleResult =
      kind === 'HTTP' && httpApiResponse === 'simple'
        ? { isAuthorized: true, context }
        : { principalId, policyDocument: policyDocument([{ effect: 'Allow', resources: allowed }]), context };
    if (!(await report(call, { ...base, effect: 'allow', principalId, roles: roles, expiresAt, credential, identity }))) {
      // No allow without its audit record.
      throw new Error('samlguard authorizer: onDecision failed on an allow decision; refusing the request.');
    }
    return result;
  }

  /** The refusal for a verified identity, built from our own values (nothing a hook does can change it). */
  function denyResult(kind: AuthorizerEventKind, principalId: string, context: SamlAuthorizerContext, denied: readonly string[], allowed: readonly string[] = []): SamlPolicyResult | SamlSimpleResult {
    return kind === 'HTTP' && httpApiResponse === 'simple'
      ? { isAuthorized: false, context }
      : {
          principalId,
          policyDocument: policyDocument(allowed.length > 0 ? [{ effect: 'Allow', resources: allowed }, { effect: 'Deny', resources: denied }] : [{ effect: 'Deny', resources: denied }]),
          context,
        };
  }

  async function deny(
    call: CallRecord | undefined,
    kind: AuthorizerEventKind,
    principalId: string,
    context: SamlAuthorizerContext,
    denied: readonly string[],
    decision: DenyDecision,
    allowed: readonly string[] = [],
  ): Promise<SamlPolicyResult | SamlSimpleResult> {
    const result = denyResult(kind, principalId, context, denied, allowed);
    await report(call, decision);
    return result;
  }

  // Lambda passes its context as a second argument: never let it reach `handle`'s call record.
  if (tracer === undefined) return ((event: SamlAuthorizerEvent) => handle(event)) as SamlAuthorizerHandler;
  const traced = (event: SamlAuthorizerEvent): Promise<SamlPolicyResult | SamlSimpleResult> =>
    traceAuthorize(tracer, (call) => handle(event, call), (err) => (err as Error).message === 'Unauthorized');
  return traced as SamlAuthorizerHandler;
}

