// createVerifier: options → trust → pipeline → acceptance (cache, revocation, request IDs, replay),
// each step a module of src/verifier/ that can be read and tested alone.
import type { TrustedKey } from './keys/index.js';
import type { PerCallOptions, VerifiedAssertion, VerifyOptions } from './types.js';
import { createAcceptance } from './verifier/acceptance.js';
import { readSettings } from './verifier/settings.js';

export { isCacheHit } from './verifier/acceptance.js';

/** A configured verifier: configuration checked, metadata parsed and keys imported once. */
export interface Verifier {
  /** Verify one SAML Response (or bare Assertion): XML text, base64, or bytes of either. */
  verify(input: string | Uint8Array, perCall?: PerCallOptions): Promise<VerifiedAssertion>;
  /** The same, synchronously (all work is CPU-bound; the promise form exists for future async stores). */
  verifySync(input: string | Uint8Array, perCall?: PerCallOptions): VerifiedAssertion;
  /** Entries and approximate bytes in the verified-assertion cache (undefined when it is off). */
  cacheStats(): { entries: number; bytes: number } | undefined;
  /**
   * Fetch the IdP metadata now, when `idp.metadata` is a {@link MetadataProvider} (resolves at once for
   * static configuration). Verification itself never fetches.
   */
  refresh(): Promise<void>;
  /** Cold start: load bundled metadata XML into the provider, or fetch it if nothing is loaded yet. */
  hydrate(xml?: string | Uint8Array): Promise<void>;
  /** The trusted keys in force now (for diagnostics). */
  readonly keys: readonly TrustedKey[];
  /** The trusted IdP entityID (undefined while a metadata provider has loaded nothing). */
  readonly entityId: string | undefined;
}

/**
 * Create a verifier. Everything that can be checked without a message is checked here, so a bad
 * configuration fails at cold start (CONFIG_INVALID), never per request. Reuse the verifier across
 * requests (create it outside your Lambda handler).
 */
export function createVerifier(options: VerifyOptions): Verifier {
  const settings = readSettings(options);
  const { trust, cache } = settings;
  const { verify, verifySync } = createAcceptance(settings);
  return Object.freeze({
    verify,
    verifySync,
    cacheStats: () => cache?.stats(),
    refresh: trust.refresh,
    hydrate: trust.hydrate,
    get keys() {
      return trust.peek().keys;
    },
    get entityId() {
      return trust.peek().entityId;
    },
  });
}
