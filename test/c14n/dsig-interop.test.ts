// Canonicalization checked against signatures other people produced: the real IdP responses
// (shared/interop/idp-samples) and the XML-DSig interop documents (shared/interop/xmldsig). A digest
// or RSA/HMAC signature only verifies if the canonical octets are exactly what the signer hashed, and
// the Merlin samples also ship those octets (*c14n*.txt), which must be reproduced byte for byte.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type ReferenceOutcome,
  canonicalSignedInfo,
  checkReference,
  checkSignatureValue,
  manifestReferencesOf,
  referencesOf,
  signaturesOf,
} from './dsig-helpers.js';
import { SHARED_DIR, interopFolderPresent, parseXml } from './helpers.js';

interface IdpCase {
  id: string;
  signatures: { references: string[]; canonicalizationMethod: string; xmlsec1Verifies: boolean }[];
}

const IDP_DIR = join(SHARED_DIR, 'idp-samples');
const idpPresent = interopFolderPresent(IDP_DIR, 'c14n vs real IdP signatures');

describe.skipIf(!idpPresent)('c14n reproduces what real IdPs signed (shared/interop/idp-samples)', () => {
  const ids = idpPresent ? readdirSync(IDP_DIR).filter((d) => !d.startsWith('.')).sort() : [];

  it('has samples, including the inclusive c14n 1.0 and 1.1 ones', () => {
    expect(ids.length).toBeGreaterThanOrEqual(30);
    expect(ids).toContain('beeline-1');
    expect(ids).toContain('oktadev-2');
  });

  for (const id of ids) {
    const meta = JSON.parse(readFileSync(join(IDP_DIR, id, 'case.json'), 'utf8')) as IdpCase;
    if (meta.signatures.length === 0) continue;
    const methods = [...new Set(meta.signatures.map((s) => s.canonicalizationMethod.replace(/^http:\/\/www\.w3\.org\//, '')))].join(', ');
    it(`${id} (${methods})`, () => {
      const doc = parseXml(readFileSync(join(IDP_DIR, id, 'response.xml'), 'utf8'));
      const cert = readFileSync(join(IDP_DIR, id, 'cert.pem'), 'utf8');
      const signatures = signaturesOf(doc);
      expect(signatures.length).toBe(meta.signatures.length);
      for (const signature of signatures) {
        const refs = referencesOf(signature);
        const uris = refs.map((r) => r.getAttribute('URI'));
        const expected = meta.signatures.find((s) => s.references.join() === uris.join());
        expect(expected, `case.json entry for ${uris.join()}`).toBeDefined();
        const outcomes = refs.map((r) => checkReference(doc, signature, r));
        const digestsOk = outcomes.every((o) => 'digestOk' in o && o.digestOk);
        const signatureOk = checkSignatureValue(signature, cert) === true;
        if (expected!.xmlsec1Verifies) {
          // xmlsec1 verified it, so these canonical octets must be the signed ones.
          expect(outcomes, JSON.stringify(outcomes.map(describeOutcome))).toSatisfy((list: ReferenceOutcome[]) =>
            list.every((o) => 'digestOk' in o && o.digestOk),
          );
          expect(signatureOk, 'SignatureValue over the canonical SignedInfo').toBe(true);
        } else {
          // A known-bad signature must not verify.
          expect(digestsOk && signatureOk).toBe(false);
        }
      }
    });
  }
});

interface DsigCase {
  id: string;
  key: string | null;
  expected: string;
  files: string[];
}


const DSIG_DIR = join(SHARED_DIR, 'xmldsig');
const dsigPresent = interopFolderPresent(DSIG_DIR, 'c14n vs XML-DSig interop samples');

describe.skipIf(!dsigPresent)('c14n reproduces the XML-DSig interop samples (shared/interop/xmldsig)', () => {
  const cases: DsigCase[] = dsigPresent ? (JSON.parse(readFileSync(join(DSIG_DIR, 'cases.json'), 'utf8')) as { cases: DsigCase[] }).cases : [];
  let checkedReferences = 0;

  for (const c of cases) {
    it(`${c.id}`, () => {
      const doc = parseXml(readFileSync(join(DSIG_DIR, c.id, 'signature.xml'), 'utf8'));
      const produced = new Set<string>();
      for (const signature of signaturesOf(doc)) {
        produced.add(canonicalSignedInfo(signature));
        for (const ref of [...referencesOf(signature), ...manifestReferencesOf(signature)]) {
          const outcome = checkReference(doc, signature, ref);
          if ('skipped' in outcome) {
            if (outcome.inputOctets !== undefined) produced.add(outcome.inputOctets);
            continue;
          }
          checkedReferences++;
          produced.add(outcome.octets);
          if (c.expected.startsWith('valid')) expect(outcome.digestOk, `digest of Reference URI="${ref.getAttribute('URI')}"`).toBe(true);
        }
        if (c.key !== null && c.expected.startsWith('valid')) {
          const key = readFileSync(join(DSIG_DIR, c.key));
          const ok = checkSignatureValue(signature, key.toString('utf8').includes('-----BEGIN') ? key.toString('utf8') : key);
          if (ok !== undefined) expect(ok, 'SignatureValue').toBe(true);
        }
      }
      for (const file of c.files.filter((f) => /c14n-\d+\.txt$/.test(f))) {
        const octets = readFileSync(join(DSIG_DIR, file)).toString('utf8');
        expect(produced.has(octets), `${file} is reproduced byte for byte`).toBe(true);
      }
    });
  }

  it('checked a meaningful number of references', () => {
    expect(checkedReferences).toBeGreaterThanOrEqual(15);
  });
});

function describeOutcome(o: ReferenceOutcome): string {
  return 'skipped' in o ? `skipped: ${o.skipped}` : `digestOk=${o.digestOk}`;
}
