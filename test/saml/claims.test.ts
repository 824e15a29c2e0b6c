// Assertion claim rules: time, audience, subject confirmation, conditions. Each document is edited and
// THEN signed (Assertion and Response), so the signature is valid and only the rule under test can reject it.
import type { Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { detach } from '../../fixtures/mutate.js';
import { ISSUED_AT, TEST_ACS, TEST_SP, VALID_NOW } from '../../fixtures/saml.js';
import { createMemoryRequestIdStore, createVerifier, SamlGuardError, verifyAssertion } from '../../src/index.js';
import { all, assertionOf, BEARER, conditionsOf, first, insert, iso, opts, rejectsWith, response, scdOf } from './helpers.js';

const NOW = VALID_NOW.getTime(); // ISSUED_AT + 60 s

describe('time', () => {
  describe('Conditions NotBefore', () => {
    // The fixture's NotBefore is ISSUED_AT - 5 s; move it after IssueInstant so only NotBefore can fail.
    const withNotBefore = (ms: number) => response({}, { sign: 'both', edit: (doc) => conditionsOf(doc).setAttribute('NotBefore', iso(ms)) });

    it('in the future beyond the default 60 s skew → NOT_YET_VALID', async () => {
      const err = await rejectsWith(verifyAssertion(withNotBefore(NOW + 61_000), opts()), 'NOT_YET_VALID');
      expect(err.path).toBe('Response/Assertion/Conditions');
    });

    it('in the future but within the skew → accepted (boundary: now + skew == NotBefore)', async () => {
      await expect(verifyAssertion(withNotBefore(NOW + 30_000), opts())).resolves.toBeDefined();
      await expect(verifyAssertion(withNotBefore(NOW + 60_000), opts())).resolves.toBeDefined();
    });

    it('clockSkewSeconds is respected', async () => {
      const xml = withNotBefore(NOW + 30_000);
      await rejectsWith(verifyAssertion(xml, opts({ clockSkewSeconds: 10 })), 'NOT_YET_VALID');
      await expect(verifyAssertion(xml, opts({ clockSkewSeconds: 30 }))).resolves.toBeDefined();
    });
  });

  describe('Conditions NotOnOrAfter', () => {
    // SubjectConfirmationData NotOnOrAfter stays at +300 s: only Conditions can fail.
    const withNotOnOrAfter = (ms: number) => response({}, { sign: 'both', edit: (doc) => conditionsOf(doc).setAttribute('NotOnOrAfter', iso(ms)) });

    it('passed (beyond skew) → EXPIRED', async () => {
      const err = await rejectsWith(verifyAssertion(withNotOnOrAfter(NOW - 61_000), opts()), 'EXPIRED');
      expect(err.path).toBe('Response/Assertion/Conditions');
    });

    it('exactly now - skew is already expired (NotOnOrAfter is exclusive)', async () => {
      await rejectsWith(verifyAssertion(withNotOnOrAfter(NOW - 60_000), opts()), 'EXPIRED');
      await expect(verifyAssertion(withNotOnOrAfter(NOW - 59_000), opts())).resolves.toBeDefined();
    });

    it('passed but within the skew → accepted; rejected with clockSkewSeconds: 0', async () => {
      const xml = withNotOnOrAfter(NOW - 25_000); // still after NotBefore (NOW - 65 s)
      await expect(verifyAssertion(xml, opts())).resolves.toBeDefined();
      await rejectsWith(verifyAssertion(xml, opts({ clockSkewSeconds: 0 })), 'EXPIRED');
    });

    it('the unedited fixture expires after its 300 s lifetime', async () => {
      await rejectsWith(verifyAssertion(response({}, { sign: 'both' }), opts({ now: new Date(ISSUED_AT + 360_000) })), 'EXPIRED');
      await expect(verifyAssertion(response({}, { sign: 'both' }), opts({ now: new Date(ISSUED_AT + 359_000) }))).resolves.toBeDefined();
    });
  });

  it('Assertion IssueInstant in the future beyond skew → NOT_YET_VALID (Conditions untouched)', async () => {
    const xml = response({}, { sign: 'both', edit: (doc) => assertionOf(doc).setAttribute('IssueInstant', iso(NOW + 61_000)) });
    const err = await rejectsWith(verifyAssertion(xml, opts()), 'NOT_YET_VALID');
    expect(err.path).toBe('Response/Assertion');
    const within = response({}, { sign: 'both', edit: (doc) => assertionOf(doc).setAttribute('IssueInstant', iso(NOW + 60_000)) });
    await expect(verifyAssertion(within, opts())).resolves.toBeDefined();
  });

  it('maxAssertionAgeSeconds exceeded → EXPIRED; skew applies; within age accepted', async () => {
    const xml = response({}, { sign: 'both' }); // issued 60 s before now
    await rejectsWith(verifyAssertion(xml, opts({ maxAssertionAgeSeconds: 30, clockSkewSeconds: 10 })), 'EXPIRED');
    await expect(verifyAssertion(xml, opts({ maxAssertionAgeSeconds: 30, clockSkewSeconds: 40 }))).resolves.toBeDefined();
    await expect(verifyAssertion(xml, opts({ maxAssertionAgeSeconds: 120 }))).resolves.toBeDefined();
  });

  it('SessionNotOnOrAfter passed → SESSION_EXPIRED', async () => {
    const err = await rejectsWith(verifyAssertion(response({ sessionNotOnOrAfter: NOW - 61_000 }, { sign: 'both' }), opts()), 'SESSION_EXPIRED');
    expect(err.path).toBe('Response/Assertion/AuthnStatement');
    await expect(verifyAssertion(response({ sessionNotOnOrAfter: NOW - 59_000 }, { sign: 'both' }), opts())).resolves.toBeDefined();
  });

  it('SessionNotOnOrAfter of a second AuthnStatement is checked too → SESSION_EXPIRED', async () => {
    const xml = response({}, {
      sign: 'both',
      edit: (doc) => {
        const st = first(doc, 'AuthnStatement');
        const copy = st.cloneNode(true) as typeof st;
        copy.setAttribute('SessionNotOnOrAfter', iso(NOW - 120_000));
        st.parentNode!.insertBefore(copy, st.nextSibling);
      },
    });
    await rejectsWith(verifyAssertion(xml, opts()), 'SESSION_EXPIRED');
  });

  it('a malformed instant → SAML_SHAPE_INVALID', async () => {
    const xml = response({}, { sign: 'both', edit: (doc) => conditionsOf(doc).setAttribute('NotOnOrAfter', '2026-02-31T00:00:00Z') });
    await rejectsWith(verifyAssertion(xml, opts()), 'SAML_SHAPE_INVALID');
  });

  it('per-call now overrides the configured clock', async () => {
    const verifier = createVerifier(opts());
    const xml = response({}, { sign: 'both' });
    await rejectsWith(verifier.verify(xml, { now: ISSUED_AT + 3600_000 }), 'EXPIRED');
    await expect(verifier.verify(xml)).resolves.toBeDefined();
  });
});

describe('audience', () => {
  it('a different Audience → AUDIENCE_MISMATCH', async () => {
    const err = await rejectsWith(verifyAssertion(response({ audience: 'https://other-sp.example/metadata' }, { sign: 'both' }), opts()), 'AUDIENCE_MISMATCH');
    expect(err.details).toEqual({ audiences: ['https://other-sp.example/metadata'], expected: [TEST_SP] });
  });

  it('no AudienceRestriction → AUDIENCE_MISMATCH; accepted with allowMissingAudienceRestriction (audience undefined)', async () => {
    const xml = response({ audience: null }, { sign: 'both' });
    expect(xml).not.toContain('AudienceRestriction');
    await rejectsWith(verifyAssertion(xml, opts()), 'AUDIENCE_MISMATCH');
    const r = await verifyAssertion(xml, opts({ allowMissingAudienceRestriction: true }));
    expect(r.audience).toBeUndefined();
  });

  it('no Conditions at all → AUDIENCE_MISMATCH', async () => {
    const xml = response({}, { sign: 'both', edit: (doc) => void detach(conditionsOf(doc)) });
    await rejectsWith(verifyAssertion(xml, opts()), 'AUDIENCE_MISMATCH');
  });

  it('allowMissingAudienceRestriction does not excuse a restriction that IS present and wrong', async () => {
    const xml = response({ audience: 'https://other-sp.example/metadata' }, { sign: 'both' });
    await rejectsWith(verifyAssertion(xml, opts({ allowMissingAudienceRestriction: true })), 'AUDIENCE_MISMATCH');
  });

  it('two AudienceRestrictions where only one names us → AUDIENCE_MISMATCH (each must hold)', async () => {
    const xml = response({ extraConditions: '<saml:AudienceRestriction><saml:Audience>https://other-sp.example/metadata</saml:Audience></saml:AudienceRestriction>' }, { sign: 'both' });
    expect(xml.match(/<saml:AudienceRestriction>/g)).toHaveLength(2);
    const err = await rejectsWith(verifyAssertion(xml, opts()), 'AUDIENCE_MISMATCH');
    expect(err.details).toMatchObject({ audiences: ['https://other-sp.example/metadata'] });
  });

  it('an empty AudienceRestriction → AUDIENCE_MISMATCH', async () => {
    const xml = response({ extraConditions: '<saml:AudienceRestriction/>' }, { sign: 'both' });
    await rejectsWith(verifyAssertion(xml, opts()), 'AUDIENCE_MISMATCH');
  });

  it('audience option as an array matching its second entry → accepted, and the match is reported', async () => {
    const r = await verifyAssertion(response({}, { sign: 'both' }), opts({ audience: ['https://first.example/sp', TEST_SP] }));
    expect(r.audience).toBe(TEST_SP);
  });

  it('a restriction naming several audiences, ours second → accepted', async () => {
    const r = await verifyAssertion(response({ audience: ['https://a.example', TEST_SP] }, { sign: 'both' }), opts());
    expect(r.audience).toBe(TEST_SP);
  });

  it('an Audience differing only by a trailing slash → AUDIENCE_MISMATCH (exact match)', async () => {
    await rejectsWith(verifyAssertion(response({ audience: TEST_SP + '/' }, { sign: 'both' }), opts()), 'AUDIENCE_MISMATCH');
  });
});

describe('subject confirmation', () => {
  it('no bearer SubjectConfirmation (holder-of-key only) → SUBJECT_CONFIRMATION_INVALID', async () => {
    const xml = response({}, { sign: 'both', edit: (doc) => first(doc, 'SubjectConfirmation').setAttribute('Method', 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key') });
    await rejectsWith(verifyAssertion(xml, opts()), 'SUBJECT_CONFIRMATION_INVALID');
  });

  it('SubjectConfirmationData with NotBefore in the past (some IdPs send it; the profile forbids it): accepted', async () => {
    const xml = response({}, { sign: 'both', edit: (doc) => scdOf(doc).setAttribute('NotBefore', iso(ISSUED_AT - 5000)) });
    const r = await verifyAssertion(xml, opts());
    expect(r.subject.nameId).toBe('alice@example.com');
  });

  it('SubjectConfirmationData NotBefore is a lower time bound, with the configured skew → NOT_YET_VALID', async () => {
    // NOW is 60 s after issue; the default skew is 60 s (test below uses an explicit one).
    const at = (ms: number) => response({}, { sign: 'both', edit: (doc) => scdOf(doc).setAttribute('NotBefore', iso(ms)) });
    const err = await rejectsWith(verifyAssertion(at(NOW + 30_000), opts({ clockSkewSeconds: 10 })), 'NOT_YET_VALID');
    expect(err.path).toMatch(/SubjectConfirmationData$/);
    await verifyAssertion(at(NOW + 5_000), opts({ clockSkewSeconds: 10 }));
    await rejectsWith(verifyAssertion(at(NOW + 10_001), opts({ clockSkewSeconds: 10 })), 'NOT_YET_VALID');
  });

  it('SubjectConfirmationData NotBefore that is not an xs:dateTime → a coded refusal', async () => {
    const xml = response({}, { sign: 'both', edit: (doc) => scdOf(doc).setAttribute('NotBefore', 'yesterday') });
    const err = await verifyAssertion(xml, opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SamlGuardError);
  });

  it('its NotOnOrAfter passed (Conditions still valid) → EXPIRED at SubjectConfirmationData', async () => {
    const xml = response({}, { sign: 'both', edit: (doc) => scdOf(doc).setAttribute('NotOnOrAfter', iso(NOW - 61_000)) });
    const err = await rejectsWith(verifyAssertion(xml, opts()), 'EXPIRED');
    expect(err.path).toMatch(/SubjectConfirmationData$/);
  });

  it('Recipient ≠ recipient → RECIPIENT_MISMATCH', async () => {
    const err = await rejectsWith(verifyAssertion(response({ recipient: 'https://evil.example/acs' }, { sign: 'both' }), opts()), 'RECIPIENT_MISMATCH');
    expect(err.details).toEqual({ recipient: 'https://evil.example/acs', expected: TEST_ACS });
  });

  it('no Recipient while one is configured → RECIPIENT_MISMATCH', async () => {
    await rejectsWith(verifyAssertion(response({ recipient: null }, { sign: 'both' }), opts()), 'RECIPIENT_MISMATCH');
  });

  it('missing NotOnOrAfter → SUBJECT_CONFIRMATION_INVALID; accepted with allowMissingSubjectConfirmationData', async () => {
    const xml = response({}, { sign: 'both', edit: (doc) => scdOf(doc).removeAttribute('NotOnOrAfter') });
    await rejectsWith(verifyAssertion(xml, opts()), 'SUBJECT_CONFIRMATION_INVALID');
    const r = await verifyAssertion(xml, opts({ allowMissingSubjectConfirmationData: true }));
    expect(r.expiresAt).toEqual(new Date(ISSUED_AT + 300_000)); // bounded by Conditions
  });

  it('no SubjectConfirmationData at all → SUBJECT_CONFIRMATION_INVALID; the opt-in accepts it only when no recipient/inResponseTo must be checked', async () => {
    const xml = response({}, { sign: 'both', edit: (doc) => void detach(scdOf(doc)) });
    await rejectsWith(verifyAssertion(xml, opts()), 'SUBJECT_CONFIRMATION_INVALID');
    await rejectsWith(verifyAssertion(xml, opts({ allowMissingSubjectConfirmationData: true })), 'SUBJECT_CONFIRMATION_INVALID');
    await expect(verifyAssertion(xml, opts({ allowMissingSubjectConfirmationData: true, recipient: undefined }))).resolves.toBeDefined();
  });

  it('two SubjectConfirmationData in one confirmation → SUBJECT_CONFIRMATION_INVALID', async () => {
    const xml = response({}, { sign: 'both', edit: (doc) => void scdOf(doc).parentNode!.appendChild(scdOf(doc).cloneNode(true)) });
    await rejectsWith(verifyAssertion(xml, opts()), 'SUBJECT_CONFIRMATION_INVALID');
  });

  it('one bad + one good bearer confirmation → accepted (the good one bounds expiresAt)', async () => {
    const xml = response({}, {
      sign: 'both',
      edit: (doc) => {
        const good = first(doc, 'SubjectConfirmation');
        insert(
          good.parentNode as Element,
          `<saml:SubjectConfirmation Method="${BEARER}"><saml:SubjectConfirmationData NotOnOrAfter="${iso(ISSUED_AT + 300_000)}" Recipient="https://evil.example/acs"/></saml:SubjectConfirmation>`,
          good,
        );
        const scds = all(doc, 'SubjectConfirmationData');
        expect(scds).toHaveLength(2);
        scds[1]!.setAttribute('NotOnOrAfter', iso(ISSUED_AT + 200_000));
      },
    });
    const r = await verifyAssertion(xml, opts());
    expect(r.expiresAt).toEqual(new Date(ISSUED_AT + 200_000));
  });

  it('when every bearer confirmation fails, the first one\'s failure is reported', async () => {
    const xml = response({ recipient: 'https://evil.example/acs' }, {
      sign: 'both',
      edit: (doc) => {
        const sc = first(doc, 'SubjectConfirmation');
        const copy = sc.cloneNode(true) as typeof sc;
        (copy.firstChild as typeof sc).setAttribute('NotBefore', iso(ISSUED_AT));
        sc.parentNode!.appendChild(copy);
      },
    });
    await rejectsWith(verifyAssertion(xml, opts()), 'RECIPIENT_MISMATCH');
  });

  it('no Subject → SUBJECT_INVALID', async () => {
    const xml = response({}, { sign: 'both', edit: (doc) => void detach(first(doc, 'Subject')) });
    await rejectsWith(verifyAssertion(xml, opts()), 'SUBJECT_INVALID');
  });
});

describe('conditions', () => {
  it('an unknown Condition element (foreign namespace) → CONDITION_UNSUPPORTED', async () => {
    const xml = response({ extraConditions: '<x:DeviceBound xmlns:x="urn:example:conditions"/>' }, { sign: 'both' });
    const err = await rejectsWith(verifyAssertion(xml, opts()), 'CONDITION_UNSUPPORTED');
    expect(err.path).toBe('Response/Assertion/Conditions/DeviceBound');
  });

  it('saml:Condition with xsi:type → CONDITION_UNSUPPORTED', async () => {
    const xml = response({ extraConditions: '<saml:Condition xmlns:x="urn:example:conditions" xsi:type="x:DeviceBoundType"/>' }, { sign: 'both' });
    await rejectsWith(verifyAssertion(xml, opts()), 'CONDITION_UNSUPPORTED');
  });

  it('an unknown element in the SAML namespace → CONDITION_UNSUPPORTED', async () => {
    await rejectsWith(verifyAssertion(response({ extraConditions: '<saml:Delegation/>' }, { sign: 'both' }), opts()), 'CONDITION_UNSUPPORTED');
  });

  it('ProxyRestriction is understood → accepted', async () => {
    const xml = response({ extraConditions: '<saml:ProxyRestriction Count="0"/>' }, { sign: 'both' });
    await expect(verifyAssertion(xml, opts())).resolves.toBeDefined();
  });

  it('OneTimeUse → oneTimeUse: true', async () => {
    const r = await verifyAssertion(response({ extraConditions: '<saml:OneTimeUse/>' }, { sign: 'both' }), opts());
    expect(r.oneTimeUse).toBe(true);
  });

  it('two OneTimeUse → SAML_SHAPE_INVALID', async () => {
    await rejectsWith(verifyAssertion(response({ extraConditions: '<saml:OneTimeUse/><saml:OneTimeUse/>' }, { sign: 'both' }), opts()), 'SAML_SHAPE_INVALID');
  });

  it('two Conditions elements → SAML_SHAPE_INVALID', async () => {
    const xml = response({}, { sign: 'both', edit: (doc) => void conditionsOf(doc).parentNode!.insertBefore(conditionsOf(doc).cloneNode(true), conditionsOf(doc)) });
    await rejectsWith(verifyAssertion(xml, opts()), 'SAML_SHAPE_INVALID');
  });

  it('NotBefore not earlier than NotOnOrAfter → SAML_SHAPE_INVALID', async () => {
    const xml = response({}, { sign: 'both', edit: (doc) => conditionsOf(doc).setAttribute('NotBefore', conditionsOf(doc).getAttribute('NotOnOrAfter')!) });
    await rejectsWith(verifyAssertion(xml, opts()), 'SAML_SHAPE_INVALID');
  });
});

describe('InResponseTo is read only from signed content', () => {
  const withResponseIrt = (value: string) => (doc: import('@xmldom/xmldom').Document) => doc.documentElement!.setAttribute('InResponseTo', value);

  it('Response and SubjectConfirmationData naming different requests → IN_RESPONSE_TO_MISMATCH (even with no expected ID)', async () => {
    const xml = response({ inResponseTo: '_req-a' }, { sign: 'both', edit: withResponseIrt('_req-b') });
    const err = await rejectsWith(verifyAssertion(xml, opts()), 'IN_RESPONSE_TO_MISMATCH');
    expect(err.details).toMatchObject({ response: '_req-b', confirmation: '_req-a' });
  });

  it('an unsigned Response wrapper cannot make an unsolicited assertion answer a request', async () => {
    // Only the Assertion is signed and its confirmation names no request: the wrapper's claim is ignored …
    const unsolicited = response({}, { sign: 'assertion', edit: withResponseIrt('_req-of-someone') });
    expect((await verifyAssertion(unsolicited, opts())).inResponseTo).toBeUndefined();
    // … so request tracking refuses it as answering nothing.
    const store = createMemoryRequestIdStore();
    await store.issue('_req-of-someone', new Date(Date.now() + 60_000));
    await rejectsWith(createVerifier(opts({ requestIds: store })).verify(unsolicited), 'IN_RESPONSE_TO_MISMATCH');
  });

  it('a signed Response speaks for itself; the confirmation speaks whatever signs it', async () => {
    const signedWrapper = response({}, { sign: 'response', edit: withResponseIrt('_req-r') });
    expect((await verifyAssertion(signedWrapper, opts())).inResponseTo).toBe('_req-r');
    expect((await verifyAssertion(response({ inResponseTo: '_req-c' }, { sign: 'assertion' }), opts())).inResponseTo).toBe('_req-c');
  });
});
