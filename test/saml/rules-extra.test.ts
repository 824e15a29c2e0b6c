// Rules added late in the first session, each with the mutation that breaks exactly it.
import { describe, expect, it } from 'vitest';
import { TEST_IDP } from '../../fixtures/saml.js';
import { verifyAssertion } from '../../src/index.js';
import { first, opts, rejectsWith, response, scdOf } from './helpers.js';

describe('Issuer Format (SAML core §2.2.5: entity format or none)', () => {
  it('an Issuer with the entity Format is accepted', async () => {
    const xml = response({}, { edit: (doc) => first(first(doc, 'Assertion'), 'Issuer').setAttribute('Format', 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity') });
    await expect(verifyAssertion(xml, opts())).resolves.toMatchObject({ issuer: TEST_IDP });
  });

  it('an Issuer with another Format → ISSUER_MISMATCH, even with the right value', async () => {
    const xml = response({}, { edit: (doc) => first(first(doc, 'Assertion'), 'Issuer').setAttribute('Format', 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent') });
    await rejectsWith(verifyAssertion(xml, opts()), 'ISSUER_MISMATCH');
  });
});

describe('xs:dateTime zone offsets', () => {
  const withNotOnOrAfter = (value: string) => response({}, { edit: (doc) => first(doc, 'Conditions').setAttribute('NotOnOrAfter', value) });

  it('an in-range offset is applied', async () => {
    // 2026-01-15T12:05:00+02:00 is 10:05Z, the fixture's own expiry.
    await expect(verifyAssertion(withNotOnOrAfter('2026-01-15T12:05:00+02:00'), opts())).resolves.toBeDefined();
  });

  it('an offset beyond ±14:00 (or with minutes > 59) is not a dateTime → SAML_SHAPE_INVALID', async () => {
    await rejectsWith(verifyAssertion(withNotOnOrAfter('2026-01-15T10:05:00+99:99'), opts()), 'SAML_SHAPE_INVALID');
    await rejectsWith(verifyAssertion(withNotOnOrAfter('2026-01-15T10:05:00+14:30'), opts()), 'SAML_SHAPE_INVALID');
    await rejectsWith(verifyAssertion(withNotOnOrAfter('2026-01-15T10:05:00-03:60'), opts()), 'SAML_SHAPE_INVALID');
  });
});

describe('strict base64 input', () => {
  const b64 = Buffer.from(response()).toString('base64');

  it('canonical base64, with or without line breaks, is accepted', async () => {
    await expect(verifyAssertion(b64, opts())).resolves.toBeDefined();
    await expect(verifyAssertion(b64.replace(/(.{76})/g, '$1\r\n'), opts())).resolves.toBeDefined();
  });

  it('missing padding, junk characters or non-canonical trailing bits → INPUT_MALFORMED', async () => {
    const unpadded = b64.replace(/=+$/, '');
    if (unpadded !== b64) await rejectsWith(verifyAssertion(unpadded, opts()), 'INPUT_MALFORMED');
    await rejectsWith(verifyAssertion(`${b64.slice(0, 100)}*${b64.slice(100)}`, opts()), 'INPUT_MALFORMED');
    // "PA==" is "<"; "PB==" decodes to the same byte with non-zero padding bits.
    await rejectsWith(verifyAssertion('PB==', opts()), 'INPUT_MALFORMED');
  });
});

describe('allowMissingSubjectConfirmationData never waives a configured Recipient', () => {
  it('no SubjectConfirmationData + recipient configured → SUBJECT_CONFIRMATION_INVALID even with the opt-in', async () => {
    const xml = response({}, { edit: (doc) => scdOf(doc).parentNode!.removeChild(scdOf(doc)) });
    await rejectsWith(verifyAssertion(xml, opts({ allowMissingSubjectConfirmationData: true })), 'SUBJECT_CONFIRMATION_INVALID');
    await expect(verifyAssertion(xml, opts({ allowMissingSubjectConfirmationData: true, recipient: undefined }))).resolves.toBeDefined();
  });
});
