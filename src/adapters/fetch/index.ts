// `samlguard/fetch`: the request guard over WHATWG Request/Response (Hono, Workers, Deno, Bun, Node ≥ 20).
export { createRequestGuard, type RequestGuard, type RequestGuardOptions, type RequestGuardResult } from './guard.js';
export type { AuthorizerDecision, AllowDecision, DenyDecision, UnauthorizedDecision, ErrorDecision } from '../shared/decide.js';
