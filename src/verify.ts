import { createVerifier, type Verifier } from './verifier.js';
import type { PerCallOptions, VerifiedAssertion, VerifyOptions } from './types.js';

// verifyAssertion is called per request with an options literal; keys must not be re-imported each
// time. Verifiers are cached by configuration (per-request facts — now, inResponseTo — excluded), never
// by object identity: an options object edited in place (a rotated key, a new audience) must take effect.
const MAX_CACHED = 32;
const byShape = new Map<string, Verifier>();
const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;

function identityToken(value: object): string {
  let id = objectIds.get(value);
  if (id === undefined) {
    id = nextObjectId++;
    objectIds.set(value, id);
  }
  return `#obj${id}`;
}

function shapeKey(options: VerifyOptions): string {
  const { now: _now, inResponseTo: _irt, ...config } = options;
  return JSON.stringify(config, (_key, value: unknown) => {
    if (value === null || typeof value !== 'object') return typeof value === 'function' ? identityToken(value) : value;
    if (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype) return value;
    return identityToken(value); // KeyObject, X509Certificate, Uint8Array, Date: by identity
  });
}

function verifierFor(options: VerifyOptions): Verifier {
  if (options === null || typeof options !== 'object') return createVerifier(options); // throws CONFIG_INVALID
  const key = shapeKey(options);
  let verifier = byShape.get(key);
  if (verifier) {
    byShape.delete(key); // refresh LRU position
  } else {
    verifier = createVerifier({ ...options, now: undefined, inResponseTo: undefined });
    if (byShape.size >= MAX_CACHED) byShape.delete(byShape.keys().next().value!);
  }
  byShape.set(key, verifier);
  return verifier;
}

/**
 * Verify a SAML Response (or a bare Assertion) and return the identity it asserts, or throw a
 * {@link SamlGuardError} whose `code` names the rule that failed.
 *
 * `input` is XML text, the base64 `SAMLResponse` value of the HTTP-POST binding, or bytes of either.
 * Verifiers are cached by configuration, so calling this per request does not re-import keys; for
 * the hot path, {@link createVerifier} once and call `verify` per request.
 */
export function verifyAssertion(input: string | Uint8Array, options: VerifyOptions): Promise<VerifiedAssertion> {
  let verifier: Verifier;
  try {
    verifier = verifierFor(options);
  } catch (err) {
    return Promise.reject(err);
  }
  const perCall: PerCallOptions = {};
  if (options.now !== undefined && options.now !== null) perCall.now = options.now;
  if (options.inResponseTo !== undefined && options.inResponseTo !== null) perCall.inResponseTo = options.inResponseTo;
  return verifier.verify(input, perCall);
}
