// What the assertion's statements and envelope yield, rule by rule: the first AuthnStatement is the one
// reported, its optional parts may be absent but never doubled, the Subject's one identifier (BaseID is
// not supported), NameID attributes that are absent stay absent, unknown SAML children of an
// AttributeStatement are ignored, and the Status and Issuer counts.
import { describe, expect, it } from 'vitest';
import { NS } from '../../fixtures/mutate.js';
import { verifyAssertion } from '../../src/index.js';
import { all, first, insert, opts, rejectsWith, response } from './helpers.js';

const authn = (doc: import('@xmldom/xmldom').Document) => first(doc, 'AuthnStatement');

describe('AuthnStatement', () => {
  it('with several, the first one is reported', async () => {
    const xml = response({}, {
      edit: (doc) => {
        const st = authn(doc);
        const second = st.cloneNode(true) as typeof st;
        second.setAttribute('SessionIndex', '_session-2');
        second.setAttribute('AuthnInstant', '2026-01-15T09:59:00.000Z');
        st.parentNode!.insertBefore(second, st.nextSibling);
      },
    });
    const r = await verifyAssertion(xml, opts());
    expect(r.sessionIndex).toBe('_session-1');
    expect(r.authnInstant).not.toEqual(new Date('2026-01-15T09:59:00.000Z'));
  });

  it('SessionIndex, AuthnContext and AuthnContextClassRef may each be absent', async () => {
    const noIndex = response({}, { edit: (doc) => authn(doc).removeAttribute('SessionIndex') });
    const r = await verifyAssertion(noIndex, opts());
    expect(r.sessionIndex).toBeUndefined();
    expect(r.authnContextClassRef).toBe('urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport');

    const noContext = response({}, { edit: (doc) => authn(doc).removeChild(first(doc, 'AuthnContext')) });
    expect((await verifyAssertion(noContext, opts())).authnContextClassRef).toBeUndefined();

    const noRef = response({}, { edit: (doc) => first(doc, 'AuthnContext').removeChild(first(doc, 'AuthnContextClassRef')) });
    expect((await verifyAssertion(noRef, opts())).authnContextClassRef).toBeUndefined();
  });

  it('two AuthnContexts, or two AuthnContextClassRefs → SAML_SHAPE_INVALID', async () => {
    const twoContexts = response({}, { edit: (doc) => authn(doc).appendChild(first(doc, 'AuthnContext').cloneNode(true)) });
    await rejectsWith(verifyAssertion(twoContexts, opts()), 'SAML_SHAPE_INVALID');
    const twoRefs = response({}, { edit: (doc) => first(doc, 'AuthnContext').appendChild(first(doc, 'AuthnContextClassRef').cloneNode(true)) });
    await rejectsWith(verifyAssertion(twoRefs, opts()), 'SAML_SHAPE_INVALID');
  });
});

describe('Subject identifier', () => {
  const subjectWith = (xml: string, keepNameId: boolean) =>
    response({}, {
      edit: (doc) => {
        const subject = first(doc, 'Subject');
        const nameId = first(doc, 'NameID');
        insert(subject, xml, nameId);
        if (!keepNameId) subject.removeChild(nameId);
      },
    });
  const baseId = '<saml:BaseID xmlns:x="urn:x" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="x:Id">u1</saml:BaseID>';

  it('a BaseID alone → SUBJECT_INVALID saying BaseID is not supported', async () => {
    const err = await rejectsWith(verifyAssertion(subjectWith(baseId, false), opts()), 'SUBJECT_INVALID');
    expect(err.message).toContain('BaseID');
  });

  it('a BaseID beside the NameID → SUBJECT_INVALID counting two identifiers', async () => {
    const err = await rejectsWith(verifyAssertion(subjectWith(baseId, true), opts()), 'SUBJECT_INVALID');
    expect(err.message).toContain('carries 2');
  });

  it('NameID attributes that are absent stay absent', async () => {
    const xml = response({}, { edit: (doc) => first(doc, 'NameID').removeAttribute('Format') });
    const r = await verifyAssertion(xml, opts());
    expect(r.subject.nameId).toBe('alice@example.com');
    expect('format' in r.subject).toBe(false);
  });
});

describe('AttributeStatement', () => {
  it('an unknown SAML-namespace child is ignored, not decrypted or read as an attribute', async () => {
    const xml = response({}, { edit: (doc) => insert(first(doc, 'AttributeStatement'), '<saml:Other Name="x"><saml:AttributeValue>v</saml:AttributeValue></saml:Other>') });
    const r = await verifyAssertion(xml, opts());
    expect(r.attributes['x']).toBeUndefined();
    expect(r.attributes['email']).toEqual(['alice@example.com']);
  });
});

describe('envelope counts', () => {
  it('a Status with no StatusCode, or two → SAML_SHAPE_INVALID', async () => {
    const none = response({}, { sign: 'both', edit: (doc) => { const s = first(doc, 'Status', NS.samlp); s.removeChild(first(doc, 'StatusCode', NS.samlp)); } });
    await rejectsWith(verifyAssertion(none, opts()), 'SAML_SHAPE_INVALID');
    const two = response({}, { sign: 'both', edit: (doc) => { const s = first(doc, 'Status', NS.samlp); s.appendChild(first(doc, 'StatusCode', NS.samlp).cloneNode(true)); } });
    await rejectsWith(verifyAssertion(two, opts()), 'SAML_SHAPE_INVALID');
  });

  it('two Response Issuers → SAML_SHAPE_INVALID', async () => {
    const xml = response({}, {
      sign: 'both',
      edit: (doc) => {
        const issuer = all(doc.documentElement! as never, 'Issuer').find((i) => i.parentNode === doc.documentElement)!;
        doc.documentElement!.insertBefore(issuer.cloneNode(true), issuer);
      },
    });
    await rejectsWith(verifyAssertion(xml, opts()), 'SAML_SHAPE_INVALID');
  });
});
