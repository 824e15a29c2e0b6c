// Signed responses to fuzz, each with the verifier that accepts it unmodified.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadKeyPair } from '../../fixtures/index.js';
import { encryptElement } from '../../fixtures/encrypt.js';
import { signedResponse, testVerifyOptions } from '../../fixtures/saml.js';
import { C14N } from '../../src/c14n/index.js';
import { createVerifier, type VerifyOptions } from '../../src/index.js';
import type { FuzzSeed } from './mutator.js';

const SP_KEY = loadKeyPair('rsa3072');

/** Responses signed by the project's test IdP in every shape the verifier accepts by default. */
export function fixtureSeeds(): FuzzSeed[] {
  const v = (extra: Record<string, unknown> = {}) => {
    const verifier = createVerifier(testVerifyOptions(extra) as VerifyOptions);
    return (xml: string) => verifier.verify(xml);
  };
  const ec = v({ idp: { entityId: 'https://idp.samlguard.test/metadata', certificates: [loadKeyPair('ec-p256').certificatePem] } });
  return [
    { name: 'assertion-signed', xml: signedResponse({ attributes: { groups: ['a', 'b'] } }), verify: v() },
    { name: 'response-signed', xml: signedResponse({}, { sign: 'response' }), verify: v() },
    { name: 'both-signed', xml: signedResponse({ inResponseTo: '_req1' }, { sign: 'both' }), verify: v() },
    { name: 'ecdsa-p256', xml: signedResponse({}, { keyName: 'ec-p256', signatureAlgorithm: 'ecdsa-sha256' }), verify: ec },
    { name: 'c14n-1.0', xml: signedResponse({}, { canonicalization: C14N.C14N10 }), verify: v() },
    { name: 'prefix-list', xml: signedResponse({}, { inclusivePrefixes: ['xs', 'xsi'], signedInfoInclusivePrefixes: ['xs'] }), verify: v() },
    {
      name: 'encrypted',
      xml: encryptElement(signedResponse(), 'Assertion', { recipient: SP_KEY.certificatePem }),
      verify: v({ sp: { decryptionKeys: [SP_KEY.privateKeyPem] } }),
    },
  ];
}

interface InteropCase {
  expected: 'accept' | 'reject';
  verifierOptions: { idp: { entityId: string; certificates?: string[]; metadata?: string }; audience: string | null; recipient: string | null; inResponseTo: string | null; now: string };
}

/** The accepted real-IdP samples of ../shared/interop (when present), each with the opt-ins it needs. */
export function interopSeeds(root: string): FuzzSeed[] {
  if (!existsSync(root)) return [];
  const out: FuzzSeed[] = [];
  for (const id of readdirSync(root).sort()) {
    const dir = join(root, id);
    if (!existsSync(join(dir, 'case.json'))) continue;
    const c = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as InteropCase;
    if (c.expected !== 'accept') continue;
    const vo = c.verifierOptions;
    const options: VerifyOptions = {
      idp: {
        entityId: vo.idp.entityId,
        ...(vo.idp.certificates ? { certificates: vo.idp.certificates.map((f) => readFileSync(join(dir, f), 'utf8')) } : {}),
        ...(vo.idp.metadata ? { metadata: readFileSync(join(dir, vo.idp.metadata), 'utf8') } : {}),
      },
      audience: vo.audience ?? 'urn:samlguard:interop:no-audience-configured',
      now: new Date(vo.now),
      allowSha1: true,
      allowMissingAudienceRestriction: vo.audience === null,
      allowMissingSubjectConfirmationData: vo.audience === null,
      ...(vo.recipient !== null ? { recipient: vo.recipient } : {}),
      ...(vo.inResponseTo !== null ? { inResponseTo: vo.inResponseTo } : {}),
    };
    const verifier = createVerifier(options);
    out.push({ name: `interop/${id}`, xml: readFileSync(join(dir, 'response.xml'), 'utf8'), verify: (xml) => verifier.verify(xml) });
  }
  return out;
}
