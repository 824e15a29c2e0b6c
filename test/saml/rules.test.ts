/*
 * The rules a mutation run on main showed could be deleted or weakened with every test still green
 * (issue "Proof of strength"). Each test mutates a signed input in one way and expects the specific code,
 * so removing or loosening the rule fails it.
 */
import type { Document } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { ISSUED_AT, VALID_NOW } from '../../fixtures/saml.js';
import { SamlGuardError, verifyAssertion } from '../../src/index.js';
import { all, assertionOf, conditionsOf, first, insert, iso, opts, rejectsWith, response, scdOf } from './helpers.js';

const NOW = VALID_NOW.getTime();
const edit = (fn: (doc: Document) => void) => response({}, { sign: 'both', edit: fn });
const at = (local: string) => (doc: Document) => (local === 'Assertion' ? assertionOf(doc) : first(doc, local));

describe('xs:dateTime is parsed strictly (NotBefore, NotOnOrAfter, IssueInstant, AuthnInstant)', () => {
  const where: Array<[string, string]> = [
    ['Conditions', 'NotBefore'],
    ['Assertion', 'IssueInstant'],
    ['AuthnStatement', 'AuthnInstant'],
    ['SubjectConfirmationData', 'NotOnOrAfter'],
  ];
  const bad = [
    '2026-02-31T10:00:00Z', // no such day (Date.UTC would roll it into March)
    '2026-13-01T10:00:00Z',
    '2026-01-15T24:00:00Z', // hour 24
    '2026-01-15T10:60:00Z', // minute 60
    '2026-01-15T10:00:60Z', // second 60
    ' 2026-01-15T10:00:00Z', // leading junk
    '2026-01-15T10:00:00Zjunk', // trailing junk
    'x2026-01-15T10:00:00Z',
    '2026-01-15T10:00:00+14:30', // beyond ±14:00
    '2026-01-15T10:00:00+15:00',
    '2026-01-15T10:00:00-14:01',
    '2026-01-15T10:00:00+02:60',
    '2026-01-15 10:00:00Z',
    '',
    'NaN',
  ];
  for (const [el, name] of where) {
    it.each(bad)(`${el}@${name} = %j → SAML_SHAPE_INVALID`, async (value) => {
      await rejectsWith(verifyAssertion(edit((doc) => at(el)(doc).setAttribute(name, value)), opts()), 'SAML_SHAPE_INVALID');
    });
  }

  it('a zone offset is applied with its sign: +02:00 means two hours earlier in UTC, -02:00 two hours later', async () => {
    // NotBefore written as local time two hours ahead of UTC: 12:01:30+02:00 = 10:01:30Z, after NOW (10:01:00Z).
    const later = (v: string) => edit((doc) => conditionsOf(doc).setAttribute('NotBefore', v));
    const noSkew = opts({ clockSkewSeconds: 0 });
    await rejectsWith(verifyAssertion(later('2026-01-15T12:01:30+02:00'), noSkew), 'NOT_YET_VALID');
    await verifyAssertion(later('2026-01-15T12:00:30+02:00'), noSkew); // 10:00:30Z, before NOW
    await verifyAssertion(later('2026-01-15T08:00:30-02:00'), noSkew); // 10:00:30Z
    await rejectsWith(verifyAssertion(later('2026-01-15T08:01:30-02:00'), noSkew), 'NOT_YET_VALID');
    await verifyAssertion(later('2026-01-15T10:00:30+14:00'.replace('10:00:30', '00:00:30').replace('2026-01-15', '2026-01-16')), noSkew); // 2026-01-15T10:00:30Z
  });

  it('the edges of the clock and of offsets are accepted: hour 23, minute 59 offsets, offsets with minutes applied exactly', async () => {
    const noSkew = opts({ clockSkewSeconds: 0 });
    await verifyAssertion(edit((doc) => first(doc, 'AuthnStatement').setAttribute('AuthnInstant', '2026-01-14T23:59:59Z')), opts());
    const nb = (v: string) => edit((doc) => conditionsOf(doc).setAttribute('NotBefore', v));
    await verifyAssertion(nb('2026-01-15T15:59:30+05:59'), noSkew); // 10:00:30Z
    await verifyAssertion(nb('2026-01-15T10:30:30+00:30'), noSkew); // 10:00:30Z
    await rejectsWith(verifyAssertion(nb('2026-01-15T10:31:30+00:30'), noSkew), 'NOT_YET_VALID'); // 10:01:30Z
    await verifyAssertion(nb('2026-01-15T09:30:30-00:30'), noSkew); // 10:00:30Z
  });

  it('fractional seconds and no zone (UTC) are accepted', async () => {
    await verifyAssertion(edit((doc) => conditionsOf(doc).setAttribute('NotBefore', '2026-01-15T09:59:55.123456')), opts());
  });
});

describe('an assertion must limit its own lifetime', () => {
  it('no NotOnOrAfter anywhere (Conditions, bearer data) → SAML_SHAPE_INVALID (lifetime)', async () => {
    const xml = edit((doc) => {
      conditionsOf(doc).removeAttribute('NotOnOrAfter');
      scdOf(doc).removeAttribute('NotOnOrAfter');
      first(doc, 'AuthnStatement').removeAttribute('SessionNotOnOrAfter');
    });
    const err = await rejectsWith(verifyAssertion(xml, opts({ allowMissingSubjectConfirmationData: true, recipient: null })), 'SAML_SHAPE_INVALID');
    expect(err.details).toMatchObject({ check: 'lifetime' });
  });
});

describe('Subject', () => {
  it.each([
    ['empty', ''],
    ['whitespace only', ' \n\t '],
  ])('a NameID that is %s → SUBJECT_INVALID', async (_what, text) => {
    await rejectsWith(verifyAssertion(edit((doc) => (first(doc, 'NameID').textContent = text)), opts()), 'SUBJECT_INVALID');
  });

  it('a NameID with an element child → SUBJECT_INVALID', async () => {
    await rejectsWith(verifyAssertion(edit((doc) => insert(first(doc, 'NameID'), '<saml:Foo xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">x</saml:Foo>')), opts()), 'SUBJECT_INVALID');
  });

  it('NameID and EncryptedID together → SUBJECT_INVALID', async () => {
    const xml = edit((doc) => insert(first(doc, 'Subject'), '<saml:EncryptedID xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"/>', first(doc, 'SubjectConfirmation')));
    await rejectsWith(verifyAssertion(xml, opts()), 'SUBJECT_INVALID');
  });
});

describe('required attributes are coded refusals, never a TypeError or an acceptance', () => {
  it('Assertion ID="" or missing → a SamlGuardError (never accepted)', async () => {
    for (const mutate of [(doc: Document) => assertionOf(doc).setAttribute('ID', ''), (doc: Document) => assertionOf(doc).removeAttribute('ID')]) {
      const xml = response({}, { sign: 'response', edit: mutate });
      const err = await verifyAssertion(xml, opts()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SamlGuardError);
      expect((err as SamlGuardError).code).toBe('SAML_SHAPE_INVALID');
    }
  });

  it('an Attribute without Name → SAML_SHAPE_INVALID', async () => {
    await rejectsWith(verifyAssertion(edit((doc) => all(doc, 'Attribute')[0]!.removeAttribute('Name')), opts()), 'SAML_SHAPE_INVALID');
  });

  it('an AuthnStatement without AuthnInstant → SAML_SHAPE_INVALID', async () => {
    await rejectsWith(verifyAssertion(edit((doc) => first(doc, 'AuthnStatement').removeAttribute('AuthnInstant')), opts()), 'SAML_SHAPE_INVALID');
  });
});

describe('namespaces decide meaning', () => {
  it.each(['AudienceRestriction', 'OneTimeUse', 'ProxyRestriction'])('a foreign-namespace %s inside Conditions → CONDITION_UNSUPPORTED', async (local) => {
    const xml = edit((doc) => insert(conditionsOf(doc), `<x:${local} xmlns:x="urn:evil"><x:Audience>https://sp.samlguard.test/metadata</x:Audience></x:${local}>`));
    await rejectsWith(verifyAssertion(xml, opts()), 'CONDITION_UNSUPPORTED');
  });

  it('a foreign-namespace AudienceRestriction never satisfies the audience check', async () => {
    const xml = edit((doc) => {
      const ar = first(conditionsOf(doc), 'AudienceRestriction');
      ar.parentNode!.removeChild(ar);
      insert(conditionsOf(doc), '<x:AudienceRestriction xmlns:x="urn:evil"><x:Audience>https://sp.samlguard.test/metadata</x:Audience></x:AudienceRestriction>');
    });
    const err = await verifyAssertion(xml, opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SamlGuardError);
    expect(['CONDITION_UNSUPPORTED', 'AUDIENCE_MISMATCH']).toContain((err as SamlGuardError).code);
  });

  it('a foreign-namespace Attribute is never read as a claim', async () => {
    const xml = edit((doc) => insert(first(doc, 'AttributeStatement'), '<x:Attribute xmlns:x="urn:evil" Name="role"><x:AttributeValue>admin</x:AttributeValue></x:Attribute>'));
    const r = await verifyAssertion(xml, opts()).catch((e: unknown) => e);
    if (r instanceof SamlGuardError) expect(r.code).toBe('SAML_SHAPE_INVALID');
    else expect((r as { attributes: Record<string, unknown> }).attributes['role']).toBeUndefined();
  });
});

describe('InResponseTo', () => {
  it('the Response-level InResponseTo is checked on its own: a confirmation that answers our request does not hide a Response that does not', async () => {
    const xml = response({ inResponseTo: '_req-1' }, { sign: 'both', edit: (doc) => doc.documentElement!.setAttribute('InResponseTo', '_req-2') });
    const err = await rejectsWith(verifyAssertion(xml, opts({ inResponseTo: '_req-1' })), 'IN_RESPONSE_TO_MISMATCH');
    expect(err.path).toBe('Response');
    await verifyAssertion(response({ inResponseTo: '_req-1' }, { sign: 'both' }), opts({ inResponseTo: '_req-1' }));
  });

  it('allowMissingSubjectConfirmationData never waives a configured inResponseTo', async () => {
    // The Response answers the request, so only the missing confirmation data can fail.
    const xml = response({ inResponseTo: '_req-1' }, { sign: 'both', edit: (doc) => first(doc, 'SubjectConfirmation').removeChild(scdOf(doc)) });
    await rejectsWith(verifyAssertion(xml, opts({ allowMissingSubjectConfirmationData: true, recipient: null, inResponseTo: '_req-1' })), 'SUBJECT_CONFIRMATION_INVALID');
    // Without an expected request the opt-in does accept it (the control case).
    await verifyAssertion(xml, opts({ allowMissingSubjectConfirmationData: true, recipient: null }));
  });
});

void ISSUED_AT;
void NOW;
void iso;

describe('Audience values are compared without the whitespace of pretty-printed XML', () => {
  it('an Audience with surrounding newlines and indentation matches the configured audience', async () => {
    const xml = edit((doc) => (first(doc, 'Audience').textContent = '\n      https://sp.samlguard.test/metadata\n    '));
    await verifyAssertion(xml, opts());
    await rejectsWith(verifyAssertion(edit((doc) => (first(doc, 'Audience').textContent = ' https://sp.samlguard.test/metadata-other ')), opts()), 'AUDIENCE_MISMATCH');
  });
});

describe('claims survivors of the mutation run, pinned', () => {
  it('an Issuer with pretty-printing whitespace is the same Issuer', async () => {
    const xml = edit((doc) => (all(doc, 'Issuer')[1]!.textContent = '\n   https://idp.samlguard.test/metadata\n '));
    expect((await verifyAssertion(xml, opts())).issuer).toBe('https://idp.samlguard.test/metadata');
  });

  it('an assertion without OneTimeUse is not one-time-use: the API flow may present it again', async () => {
    const { createVerifier } = await import('../../src/index.js');
    const v = createVerifier(opts());
    const xml = response({}, { sign: 'both' });
    expect((await v.verify(xml)).oneTimeUse).toBe(false);
    expect((await v.verify(xml)).subject.nameId).toBe('alice@example.com');
  });

  it('without Conditions NotOnOrAfter, expiresAt comes from the bearer confirmation (a real instant)', async () => {
    const xml = edit((doc) => conditionsOf(doc).removeAttribute('NotOnOrAfter'));
    const r = await verifyAssertion(xml, opts());
    expect(Number.isFinite(r.expiresAt.getTime())).toBe(true);
    expect(r.expiresAt.toISOString()).toBe(scdNotOnOrAfter(xml));
  });

  it('a Subject with a BaseID → SUBJECT_INVALID (samlguard reads NameID only, never a BaseID beside it)', async () => {
    const xml = edit((doc) => insert(first(doc, 'Subject'), '<saml:BaseID xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="x"/>', first(doc, 'NameID')));
    await rejectsWith(verifyAssertion(xml, opts()), 'SUBJECT_INVALID');
  });
});

function scdNotOnOrAfter(xml: string): string {
  return new Date(/<saml:SubjectConfirmationData NotOnOrAfter="([^"]+)"/.exec(xml)![1]!).toISOString();
}

describe('AuthnContextClassRef is read as its trimmed text', () => {
  it('whitespace and line breaks a pretty-printing IdP puts around the URI are not part of it', async () => {
    const xml = edit((doc) => {
      const ref = first(doc, 'AuthnContextClassRef');
      ref.textContent = '\n      urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport\n    ';
    });
    expect((await verifyAssertion(xml, opts())).authnContextClassRef).toBe('urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport');
  });
});

describe('an assertion without Conditions', () => {
  it('is not one-time-use (the default holds when there is no Conditions element to carry OneTimeUse)', async () => {
    const xml = edit((doc) => {
      const c = conditionsOf(doc);
      c.parentNode!.removeChild(c);
    });
    const r = await verifyAssertion(xml, opts({ allowMissingAudienceRestriction: true }));
    expect(r.oneTimeUse).toBe(false);
    expect(r.subject.nameId).toBe('alice@example.com');
  });
});
