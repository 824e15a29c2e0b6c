/**
 * The benchmark inputs, made by the project's own fixture tooling (fixtures/saml.ts) at bench start,
 * issued "now" with a one-hour validity window, so every library (each with its own clock handling)
 * sees a currently valid assertion without faking time.
 *
 * Three sizes × three signing variants, base64 as the HTTP-POST binding delivers them:
 *   ~3 KB   few attributes (2), no KeyInfo certificate (the certificate alone is 1.2 KB of base64;
 *           the key comes from configuration, as samlguard and every peer allow)
 *   ~10 KB  typical enterprise: 20 attributes, 30 groups, KeyInfo certificate
 *   ~100 KB a huge group list (985 groups), KeyInfo certificate
 * variants: RSA-SHA256 assertion signed; RSA-SHA256 response and assertion both signed; ECDSA-P256-SHA256
 * assertion signed.
 */
import { signedResponse, TEST_ACS, TEST_IDP, TEST_SP, type ResponseSpec, type SignedResponseOptions } from '../../fixtures/saml.js';
import { loadKeyPair, type FixtureName } from '../../fixtures/index.js';

export type SizeId = '3k' | '10k' | '100k';
export type VariantId = 'assertion' | 'both' | 'ecdsa';

export const SIZE_IDS: readonly SizeId[] = ['3k', '10k', '100k'];
export const VARIANT_IDS: readonly VariantId[] = ['assertion', 'both', 'ecdsa'];

export const SIZE_LABEL: Record<SizeId, string> = { '3k': '3 KB', '10k': '10 KB', '100k': '100 KB' };
export const VARIANT_LABEL: Record<VariantId, string> = {
  assertion: 'RSA, assertion signed',
  both: 'RSA, response + assertion signed',
  ecdsa: 'ECDSA P-256, assertion signed',
};

/** Everything a library needs to verify one input with the equivalent configuration. */
export interface BenchInput {
  id: string;
  size: SizeId;
  variant: VariantId;
  /** The XML text (UTF-8) and its base64 form (the SAMLResponse POST parameter). */
  xml: string;
  base64: string;
  xmlBytes: number;
  keyName: FixtureName;
  /** The IdP signing certificate (PEM) every library is configured with. */
  certificatePem: string;
  signatureAlgorithm: 'rsa-sha256' | 'ecdsa-sha256';
  /** Number of ds:Signature elements (1 or 2). */
  signatures: number;
  /** Assertion / response IDs. */
  assertionId: string;
  responseId: string;
  issuedAt: number;
  /** The equivalent configuration every library gets. */
  config: typeof CONFIG;
}

/** The equivalent configuration every library gets. */
export const CONFIG = {
  idpEntityId: TEST_IDP,
  spEntityId: TEST_SP,
  acsUrl: TEST_ACS,
  clockSkewSeconds: 60,
} as const;

const ENTERPRISE_ATTRIBUTES: Record<string, string[]> = Object.fromEntries(
  [
    ['givenName', 'Alice'],
    ['surname', 'Example'],
    ['displayName', 'Alice Example'],
    ['department', 'Platform Engineering'],
    ['title', 'Staff Engineer'],
    ['employeeId', 'E0012345'],
    ['costCenter', 'CC-4711'],
    ['manager', 'bob@example.com'],
    ['office', 'Berlin HQ'],
    ['mobile', '+49 30 1234567'],
    ['locale', 'en-GB'],
    ['timezone', 'Europe/Berlin'],
    ['company', 'Example Corp'],
    ['division', 'Technology'],
    ['employeeType', 'permanent'],
    ['upn', 'alice@corp.example.com'],
    ['objectId', '8f14e45f-ceea-467f-a0e6-1f2b3c4d5e6f'],
  ].map(([name, value]) => [name!, [value!]]),
);

// With the fixture's own email and Group attributes and the groups attribute: 20 attributes in all.
const SIZE_SPEC: Record<SizeId, { spec: ResponseSpec; keyInfo: boolean }> = {
  '3k': { spec: {}, keyInfo: false },
  '10k': { spec: { attributes: ENTERPRISE_ATTRIBUTES, groups: 30 }, keyInfo: true },
  '100k': { spec: { attributes: ENTERPRISE_ATTRIBUTES, groups: 985 }, keyInfo: true },
};

export function makeInput(size: SizeId, variant: VariantId, issuedAt: number): BenchInput {
  const { spec, keyInfo } = SIZE_SPEC[size];
  const keyName: FixtureName = variant === 'ecdsa' ? 'ec-p256' : 'rsa2048';
  const signatureAlgorithm = variant === 'ecdsa' ? 'ecdsa-sha256' : 'rsa-sha256';
  const assertionId = '_a0b1c2d3e4f5061728394a5b6c7d8e9f';
  const responseId = '_r0b1c2d3e4f5061728394a5b6c7d8e9f';
  const options: SignedResponseOptions = { sign: variant === 'both' ? 'both' : 'assertion', keyName, signatureAlgorithm };
  if (!keyInfo) options.certificate = undefined; // overrides the fixture's default KeyInfo certificate
  const xml = signedResponse({ ...spec, issuedAt, lifetimeSeconds: 3600, assertionId, responseId }, options);
  return {
    id: `${size}/${variant}`,
    size,
    variant,
    xml,
    base64: Buffer.from(xml, 'utf8').toString('base64'),
    xmlBytes: Buffer.byteLength(xml, 'utf8'),
    keyName,
    certificatePem: loadKeyPair(keyName).certificatePem,
    signatureAlgorithm,
    signatures: variant === 'both' ? 2 : 1,
    assertionId,
    responseId,
    issuedAt,
    config: CONFIG,
  };
}

/** All nine inputs, issued a second ago (so NotBefore = issuedAt − 5 s is safely past for everyone). */
export function makeInputs(issuedAt = Date.now() - 1000): BenchInput[] {
  const out: BenchInput[] = [];
  for (const size of SIZE_IDS) for (const variant of VARIANT_IDS) out.push(makeInput(size, variant, issuedAt));
  return out;
}

/** What a child process gets (as JSON): one input, its configuration, and the subject it must yield. */
export interface ChildInput {
  id: string;
  base64: string;
  certificatePem: string;
  config: typeof CONFIG;
  expectedNameId: string;
}

export const EXPECTED_NAME_ID = 'alice@example.com';

export function childInput(input: BenchInput): ChildInput {
  return { id: input.id, base64: input.base64, certificatePem: input.certificatePem, config: input.config, expectedNameId: EXPECTED_NAME_ID };
}

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
