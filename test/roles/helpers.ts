// Identities for the role tests. `verified` runs the real verifier over a signed fixture (so attributes
// arrive exactly as samlguard produces them); `identity` builds the plain data directly, for shapes an
// IdP rarely sends (overage, malformed AWS claims) and for speed.
import type { Document } from '@xmldom/xmldom';
import { VALID_NOW, type ResponseSpec } from '../../fixtures/saml.js';
import { createVerifier, type AttributeInfo, type VerifiedAssertion } from '../../src/index.js';
import { opts, response } from '../saml/helpers.js';

const verifier = createVerifier(opts());

/** A genuinely verified identity for `spec` (the edit runs before signing). */
export function verified(spec: ResponseSpec = {}, edit?: (doc: Document) => void): VerifiedAssertion {
  return verifier.verifySync(response(spec, edit ? { sign: 'both', edit } : { sign: 'both' }), { now: VALID_NOW });
}

export interface IdentitySpec {
  nameId?: string;
  issuer?: string;
  /** Attributes by Name (no FriendlyName). */
  attributes?: Record<string, string[]>;
  /** Attributes with details (added after `attributes`). */
  details?: AttributeInfo[];
  expiresAt?: Date;
}

/** Plain identity data shaped like the verifier's result (null-prototype attribute record). */
export function identity(spec: IdentitySpec = {}): VerifiedAssertion {
  const details: AttributeInfo[] = [...Object.entries(spec.attributes ?? {}).map(([name, values]) => ({ name, values })), ...(spec.details ?? [])];
  const attributes = Object.create(null) as Record<string, string[]>;
  for (const d of details) attributes[d.name] = [...(attributes[d.name] ?? []), ...d.values];
  return {
    id: '_id-1',
    issuer: spec.issuer ?? 'https://idp.example.com/',
    issueInstant: new Date(VALID_NOW.getTime() - 60_000),
    subject: { nameId: spec.nameId ?? 'alice@example.com' },
    attributes,
    attributeDetails: details,
    audience: 'https://sp.example.com/',
    expiresAt: spec.expiresAt ?? new Date(VALID_NOW.getTime() + 240_000),
    oneTimeUse: false,
    signature: { covered: 'assertion', algorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', digest: 'http://www.w3.org/2001/04/xmlenc#sha256', certificateFingerprint: 'AA' },
  };
}
