/*
 * Real-IdP SAML Responses from ../shared/interop/idp-samples (format: ../shared/interop/README.md).
 *
 * Every folder: verifyAssertion(response.xml, case.json verifierOptions) at verifierOptions.now.
 *   - accept → resolves with subject.nameId === expectedNameId (verbatim, whitespace included);
 *   - reject → rejects with a SamlGuardError (code pinned in REJECT_CODES below, observed with allowSha1
 *     so the rejection is never merely "SHA-1");
 *   - SHA-1 samples (any signature using rsa-sha1 or a sha1 digest): accept cases are rejected with
 *     ALGORITHM_NOT_ALLOWED without allowSha1, and accepted with allowSha1: true.
 *
 * Documented decisions (samlguard's verdict differs from, or needs more than, case.json):
 * (oktadev-2, signed with Reference URI="" on the Response, and okta-4, whose unsigned wrapper was edited
 * so it is rejected with DESTINATION_MISMATCH as case.json now says, need no entry: both get their
 * case.json verdict with no opt-in beyond allowSha1.)
 *
 * | id        | case.json | samlguard                                   | reason                                                                 |
 * |-----------|-----------|---------------------------------------------|------------------------------------------------------------------------|
 * | beeline-1 | accept    | accept only with allowMissingAudienceRestriction | Violates SAML Web SSO profile §4.1.4.2 MUSTs: no AudienceRestriction, |
 * |           |           | + allowMissingSubjectConfirmationData (and  | and a bearer SubjectConfirmation without SubjectConfirmationData.       |
 * |           |           | allowSha1); rejected without them           | Both are explicit opt-ins. verifierOptions.audience is null but        |
 * |           |           | (AUDIENCE_MISMATCH, then                    | samlguard requires an audience, so a non-null placeholder is passed    |
 * |           |           | SUBJECT_CONFIRMATION_INVALID)               | (never matched: there is no restriction to match).                     |
 * | okta-5    | reject (expired)  | reject: DIGEST_MISMATCH             | Same bytes as okta-3, whose Response signature is broken: samlguard    |
 * | okta-6    | reject (audience) | reject: DIGEST_MISMATCH             | checks signatures before any claim, so it never reaches time/audience. |
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SamlGuardError, verifyAssertion, type ErrorCode, type VerifiedAssertion, type VerifyOptions } from '../../src/index.js';
import { corpusPresent, interopPath } from './corpus.js';

interface CaseSignature {
  on: string;
  signatureMethod?: string;
  digestMethod?: string;
}

interface Case {
  id: string;
  expected: 'accept' | 'reject';
  rejectCategory?: string;
  expectedNameId: string | null;
  signatures: CaseSignature[];
  verifierOptions: {
    idp: { entityId: string; certificates?: string[]; metadata?: string };
    audience: string | null;
    recipient: string | null;
    inResponseTo: string | null;
    now: string;
  };
}

type OptIns = Pick<VerifyOptions, 'allowSha1' | 'allowEmptyReferenceUri' | 'allowMissingAudienceRestriction' | 'allowMissingSubjectConfirmationData'>;

interface Decision {
  /** samlguard's verdict for this sample. */
  verdict: 'accept' | 'reject';
  /** Opt-ins needed for the verdict (beyond allowSha1, which SHA-1 samples always get). */
  optIns?: OptIns;
  /** For an accepted sample: the code it is rejected with when the opt-ins are absent. */
  withoutOptIns?: { options: OptIns; code: ErrorCode }[];
  /** For a rejected sample: the exact code. */
  code?: ErrorCode;
}

const DECISIONS: Record<string, Decision> = {
  'beeline-1': {
    verdict: 'accept',
    optIns: { allowMissingAudienceRestriction: true, allowMissingSubjectConfirmationData: true },
    withoutOptIns: [
      { options: {}, code: 'AUDIENCE_MISMATCH' },
      { options: { allowMissingAudienceRestriction: true }, code: 'SUBJECT_CONFIRMATION_INVALID' },
      { options: { allowMissingSubjectConfirmationData: true }, code: 'AUDIENCE_MISMATCH' },
    ],
  },
};

/** The code each reject sample fails with (observed with allowSha1: true). */
const REJECT_CODES: Record<string, ErrorCode> = {
  'okta-3': 'DIGEST_MISMATCH', // outer Response signature broken (the Assertion's verifies)
  'okta-5': 'DIGEST_MISMATCH', // okta-3 bytes, a year later
  'okta-6': 'DIGEST_MISMATCH', // okta-3 bytes, another audience
  'okta-7': 'KEY_NOT_TRUSTED', // metadata/cert carries a different key than KeyInfo
  'okta-8': 'DIGEST_MISMATCH', // Assertion signature stripped, Response signature broken by that
  'okta-9': 'DIGEST_MISMATCH', // DigestMethod edited
  'okta-10': 'DIGEST_MISMATCH', // SignatureMethod edited
  'onelogin-7': 'DIGEST_MISMATCH', // content altered after signing
  'onelogin-8': 'KEY_NOT_TRUSTED', // signed by another key, its certificate in KeyInfo
  'onelogin-9': 'DESTINATION_MISMATCH',
  'onelogin-10': 'ISSUER_MISMATCH',
  'onelogin-11': 'AUDIENCE_MISMATCH',
  'onelogin-12': 'SIGNATURE_MISSING',
  'okta-4': 'DESTINATION_MISMATCH', // the unsigned Response wrapper's Destination was edited (SAML core §3.2.2)
};

/** Placeholder for a null verifierOptions.audience (samlguard requires one). Never appears in a sample. */
const PLACEHOLDER_AUDIENCE = 'urn:samlguard:interop:no-audience-configured';

const ROOT = interopPath('idp-samples');

function isSha1(c: Case): boolean {
  return c.signatures.some((s) => /sha1$/i.test(s.signatureMethod ?? '') || /#sha1$/i.test(s.digestMethod ?? ''));
}

function load(id: string): { c: Case; xml: string; options: (extra?: OptIns) => VerifyOptions } {
  const dir = join(ROOT, id);
  const c = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as Case;
  const xml = readFileSync(join(dir, 'response.xml'), 'utf8');
  const vo = c.verifierOptions;
  const options = (extra: OptIns = {}): VerifyOptions => {
    const idp: VerifyOptions['idp'] = { entityId: vo.idp.entityId };
    if (vo.idp.certificates) idp.certificates = vo.idp.certificates.map((f) => readFileSync(join(dir, f), 'utf8'));
    if (vo.idp.metadata) idp.metadata = readFileSync(join(dir, vo.idp.metadata), 'utf8');
    const o: VerifyOptions = { idp, audience: vo.audience ?? PLACEHOLDER_AUDIENCE, now: new Date(vo.now), ...extra };
    if (vo.recipient !== null) o.recipient = vo.recipient;
    if (vo.inResponseTo !== null) o.inResponseTo = vo.inResponseTo;
    return o;
  };
  return { c, xml, options };
}

async function outcome(promise: Promise<VerifiedAssertion>): Promise<VerifiedAssertion | SamlGuardError> {
  try {
    return await promise;
  } catch (err) {
    if (err instanceof SamlGuardError) return err;
    throw err; // anything but a SamlGuardError is a bug
  }
}

async function expectCode(promise: Promise<VerifiedAssertion>, code: ErrorCode): Promise<void> {
  const r = await outcome(promise);
  expect(r, `expected ${code}`).toBeInstanceOf(SamlGuardError);
  expect((r as SamlGuardError).code).toBe(code);
}

if (corpusPresent(ROOT, 'interop idp-samples')) {
  const ids = readdirSync(ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

  describe('interop idp-samples', () => {
    it('the corpus is complete: every decision and pinned code names a sample, every reject sample has a pinned code', () => {
      expect(ids.length).toBeGreaterThanOrEqual(32);
      for (const id of [...Object.keys(DECISIONS), ...Object.keys(REJECT_CODES)]) expect(ids, id).toContain(id);
      for (const id of ids) {
        const { c } = load(id);
        if (c.expected === 'reject') expect(REJECT_CODES[id] ?? DECISIONS[id]?.code, `${id} needs a pinned code`).toBeDefined();
      }
    });

    describe.each(ids)('%s', (id) => {
      const { c, xml, options } = load(id);
      const decision = DECISIONS[id];
      const verdict = decision?.verdict ?? c.expected;
      const sha1 = isSha1(c);
      const optIns = decision?.optIns ?? {};

      if (verdict === 'accept') {
        it(`accepted${sha1 ? ' with allowSha1' : ''}${decision?.optIns ? ` with ${Object.keys(optIns).join(', ')}` : ''}: NameID verbatim`, async () => {
          const r = await verifyAssertion(xml, options({ ...(sha1 ? { allowSha1: true } : {}), ...optIns }));
          expect(r.subject.nameId).toBe(c.expectedNameId);
          expect(r.issuer).toBe(c.verifierOptions.idp.entityId);
        });

        if (sha1) {
          it('SHA-1: rejected with ALGORITHM_NOT_ALLOWED without allowSha1', async () => {
            await expectCode(verifyAssertion(xml, options(optIns)), 'ALGORITHM_NOT_ALLOWED');
          });
        }

        for (const w of decision?.withoutOptIns ?? []) {
          it(`with ${Object.keys(w.options).length ? `only ${Object.keys(w.options).join(', ')}` : 'none of the opt-ins'} → ${w.code}`, async () => {
            await expectCode(verifyAssertion(xml, options({ ...(sha1 ? { allowSha1: true } : {}), ...w.options })), w.code);
          });
        }
      } else {
        const code = decision?.code ?? REJECT_CODES[id];
        it(`rejected with ${code ?? 'a SamlGuardError'} (even with allowSha1)`, async () => {
          const r = await outcome(verifyAssertion(xml, options({ allowSha1: true })));
          expect(r).toBeInstanceOf(SamlGuardError);
          if (code) expect((r as SamlGuardError).code).toBe(code);
        });

        it(`rejected with a SamlGuardError without allowSha1${sha1 && c.signatures.length > 0 ? ' (ALGORITHM_NOT_ALLOWED: SHA-1 is refused first)' : ''}`, async () => {
          const r = await outcome(verifyAssertion(xml, options()));
          expect(r).toBeInstanceOf(SamlGuardError);
          if (sha1) expect((r as SamlGuardError).code).toBe('ALGORITHM_NOT_ALLOWED');
        });
      }
    });
  });
}
