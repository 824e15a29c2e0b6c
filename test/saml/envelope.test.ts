// The envelope rules: root, Version, Status, the single Assertion, signatures, Destination, InResponseTo,
// Issuers, encryption, SAML-level signature wrapping, NameID comment injection and SHA-1.
// Every document is otherwise valid and validly signed, so each test fails if its one rule is removed.
import type { Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { detach, NS, parseXml, withDocument } from '../../fixtures/mutate.js';
import { buildAssertion, TEST_ACS, TEST_IDP } from '../../fixtures/saml.js';
import { createVerifier, verifyAssertion } from '../../src/index.js';
import { all, ASSERTION_ID, assertionOf, bareAssertion, first, fragment, insert, opts, rejectsWith, response } from './helpers.js';

describe('root element', () => {
  it('baseline: the unedited signed response is accepted', async () => {
    await expect(verifyAssertion(response({}, { sign: 'both' }), opts())).resolves.toMatchObject({ subject: { nameId: 'alice@example.com' } });
  });

  it('a root that is neither Response nor Assertion → SAML_SHAPE_INVALID', async () => {
    const xml = `<samlp:LogoutResponse xmlns:samlp="${NS.samlp}" ID="_x" Version="2.0" IssueInstant="2026-01-15T10:00:00Z"/>`;
    await rejectsWith(verifyAssertion(xml, opts()), 'SAML_SHAPE_INVALID');
  });

  it('a signed Response whose samlp prefix is bound to another namespace → SAML_SHAPE_INVALID', async () => {
    // Signed AFTER the rebinding, so the signature is valid over the foreign-namespace root.
    const xml = response({}, { sign: 'both', rewrite: (x) => x.replace(`xmlns:samlp="${NS.samlp}"`, 'xmlns:samlp="urn:evil:protocol"') });
    expect(xml).toContain('xmlns:samlp="urn:evil:protocol"');
    const err = await rejectsWith(verifyAssertion(xml, opts()), 'SAML_SHAPE_INVALID');
    expect(err.path).toBe('Response');
  });

  it('a Response element in the assertion namespace (saml:Response) → SAML_SHAPE_INVALID', async () => {
    const xml = response({}, { sign: 'assertion', rewrite: (x) => x.replace('<samlp:Response ', '<saml:Response ').replace('</samlp:Response>', '</saml:Response>') });
    expect(xml).toContain('<saml:Response ');
    await rejectsWith(verifyAssertion(xml, opts()), 'SAML_SHAPE_INVALID');
  });

  it('a bare Assertion in the protocol namespace (samlp:Assertion) → SAML_SHAPE_INVALID', async () => {
    const xml = bareAssertion({}, { rewrite: (x) => x.replace(`xmlns:saml="${NS.saml}"`, `xmlns:saml="${NS.samlp}"`) });
    await rejectsWith(verifyAssertion(xml, opts()), 'SAML_SHAPE_INVALID');
  });

  it('an Assertion whose saml prefix is rebound to a foreign namespace is not an Assertion → ASSERTION_COUNT (0)', async () => {
    const rebound = response({}, {
      sign: 'response',
      rewrite: (x) => x.replace(`<saml:Assertion xmlns:saml="${NS.saml}"`, '<saml:Assertion xmlns:saml="urn:evil:assertion"'),
    });
    expect(rebound).toContain('<saml:Assertion xmlns:saml="urn:evil:assertion"');
    const err = await rejectsWith(verifyAssertion(rebound, opts()), 'ASSERTION_COUNT');
    expect(err.details).toMatchObject({ count: 0 });
  });
});

describe('Version', () => {
  it('Response Version="2.1" → SAML_SHAPE_INVALID', async () => {
    const xml = response({}, { sign: 'both', edit: (doc) => doc.documentElement!.setAttribute('Version', '2.1') });
    const err = await rejectsWith(verifyAssertion(xml, opts()), 'SAML_SHAPE_INVALID');
    expect(err.path).toBe('Response');
  });

  it('Response without Version → SAML_SHAPE_INVALID', async () => {
    const xml = response({}, { sign: 'both', edit: (doc) => doc.documentElement!.removeAttribute('Version') });
    await rejectsWith(verifyAssertion(xml, opts()), 'SAML_SHAPE_INVALID');
  });

  it('Assertion Version="1.1" (signed after the edit) → SAML_SHAPE_INVALID', async () => {
    const xml = response({}, { sign: 'both', edit: (doc) => assertionOf(doc).setAttribute('Version', '1.1') });
    const err = await rejectsWith(verifyAssertion(xml, opts()), 'SAML_SHAPE_INVALID');
    expect(err.path).toBe('Response/Assertion');
  });
});

describe('Status', () => {
  const RESPONDER = 'urn:oasis:names:tc:SAML:2.0:status:Responder';
  const AUTHN_FAILED = 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed';

  it('Responder / AuthnFailed with a StatusMessage → STATUS_NOT_SUCCESS with the codes and message in details', async () => {
    const xml = response({ statusCode: RESPONDER }, {
      sign: 'response',
      edit: (doc) => {
        const status = first(doc, 'Status', NS.samlp);
        insert(first(doc, 'StatusCode', NS.samlp), `<samlp:StatusCode Value="${AUTHN_FAILED}"/>`);
        insert(status, `<samlp:StatusMessage>  The user cancelled.  </samlp:StatusMessage>`);
        const a = assertionOf(doc);
        a.parentNode!.removeChild(a); // error responses carry no assertion
      },
    });
    const err = await rejectsWith(verifyAssertion(xml, opts()), 'STATUS_NOT_SUCCESS');
    expect(err.details).toEqual({ statusCode: RESPONDER, subStatusCode: AUTHN_FAILED, statusMessage: 'The user cancelled.' });
  });

  it('a non-Success top-level code alone: details without sub-status or message', async () => {
    const xml = response({ statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Requester' }, { sign: 'both' });
    const err = await rejectsWith(verifyAssertion(xml, opts()), 'STATUS_NOT_SUCCESS');
    expect(err.details).toMatchObject({ statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Requester', subStatusCode: undefined, statusMessage: undefined });
  });

  it('a Success second-level code under a failing top-level code is still a failure', async () => {
    const xml = response({ statusCode: RESPONDER }, {
      sign: 'both',
      edit: (doc) => void insert(first(doc, 'StatusCode', NS.samlp), `<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>`),
    });
    await rejectsWith(verifyAssertion(xml, opts()), 'STATUS_NOT_SUCCESS');
  });

  it('no Status element → SAML_SHAPE_INVALID', async () => {
    const xml = response({}, { sign: 'both', edit: (doc) => void detach(first(doc, 'Status', NS.samlp)) });
    await rejectsWith(verifyAssertion(xml, opts()), 'SAML_SHAPE_INVALID');
  });
});

describe('Destination', () => {
  it('Destination ≠ recipient → DESTINATION_MISMATCH (signed Response)', async () => {
    const xml = response({ destination: 'https://evil.example/acs' }, { sign: 'both' });
    const err = await rejectsWith(verifyAssertion(xml, opts()), 'DESTINATION_MISMATCH');
    expect(err.details).toEqual({ destination: 'https://evil.example/acs', expected: TEST_ACS });
  });

  it('Destination ≠ recipient on an unsigned Response wrapper (signed Assertion) → DESTINATION_MISMATCH', async () => {
    const xml = response({ destination: 'https://evil.example/acs' }, { sign: 'assertion' });
    await rejectsWith(verifyAssertion(xml, opts()), 'DESTINATION_MISMATCH');
  });

  it('no Destination attribute is accepted (it is optional)', async () => {
    await expect(verifyAssertion(response({ destination: null }, { sign: 'both' }), opts())).resolves.toBeDefined();
  });
});

describe('InResponseTo', () => {
  it('configured inResponseTo ≠ the Response InResponseTo → IN_RESPONSE_TO_MISMATCH', async () => {
    const xml = response({ inResponseTo: '_other' }, { sign: 'both' });
    const err = await rejectsWith(verifyAssertion(xml, opts({ inResponseTo: '_req-1' })), 'IN_RESPONSE_TO_MISMATCH');
    // Refused by the Response's own check, before the SubjectConfirmationData one is reached.
    expect(err.path).toBe('Response');
    expect(err.details).toMatchObject({ inResponseTo: '_other', expected: '_req-1' });
  });

  it('per-call inResponseTo ≠ the Response InResponseTo → IN_RESPONSE_TO_MISMATCH; the matching one is accepted', async () => {
    const verifier = createVerifier(opts());
    const xml = response({ inResponseTo: '_req-1' }, { sign: 'both' });
    await rejectsWith(verifier.verify(xml, { inResponseTo: '_req-2' }), 'IN_RESPONSE_TO_MISMATCH');
    await expect(verifier.verify(xml, { inResponseTo: '_req-1' })).resolves.toMatchObject({ inResponseTo: '_req-1' });
  });

  it('per-call inResponseTo overrides the configured one', async () => {
    const verifier = createVerifier(opts({ inResponseTo: '_req-1' }));
    const xml = response({ inResponseTo: '_req-1' }, { sign: 'both' });
    await expect(verifier.verify(xml)).resolves.toBeDefined();
    await rejectsWith(verifier.verify(xml, { inResponseTo: '_req-3' }), 'IN_RESPONSE_TO_MISMATCH');
  });

  it('an unsolicited Response (no InResponseTo) when one is expected → IN_RESPONSE_TO_MISMATCH', async () => {
    const xml = response({}, { sign: 'both' });
    await rejectsWith(verifyAssertion(xml, opts({ inResponseTo: '_req-1' })), 'IN_RESPONSE_TO_MISMATCH');
  });

  it('Response InResponseTo right but SubjectConfirmationData InResponseTo wrong → IN_RESPONSE_TO_MISMATCH', async () => {
    const xml = response({ inResponseTo: '_req-1' }, { sign: 'both', edit: (doc) => first(doc, 'SubjectConfirmationData').setAttribute('InResponseTo', '_req-x') });
    const err = await rejectsWith(verifyAssertion(xml, opts({ inResponseTo: '_req-1' })), 'IN_RESPONSE_TO_MISMATCH');
    expect(err.path).toMatch(/SubjectConfirmationData$/);
  });

  it('bare Assertion: SubjectConfirmationData InResponseTo is checked → IN_RESPONSE_TO_MISMATCH', async () => {
    await rejectsWith(verifyAssertion(bareAssertion({ inResponseTo: '_req-x' }), opts({ inResponseTo: '_req-1' })), 'IN_RESPONSE_TO_MISMATCH');
    await expect(verifyAssertion(bareAssertion({ inResponseTo: '_req-1' }), opts({ inResponseTo: '_req-1' }))).resolves.toMatchObject({ inResponseTo: '_req-1' });
  });
});

describe('Issuer', () => {
  it('Response Issuer ≠ entityId → ISSUER_MISMATCH', async () => {
    const xml = response({ responseIssuer: 'https://evil.example/idp' }, { sign: 'both' });
    const err = await rejectsWith(verifyAssertion(xml, opts()), 'ISSUER_MISMATCH');
    expect(err.path).toBe('Response/Issuer');
    expect(err.details).toEqual({ issuer: 'https://evil.example/idp', expected: TEST_IDP });
  });

  it('Assertion Issuer ≠ entityId (Response Issuer correct) → ISSUER_MISMATCH', async () => {
    const xml = response({ issuer: 'https://evil.example/idp', responseIssuer: TEST_IDP }, { sign: 'both' });
    const err = await rejectsWith(verifyAssertion(xml, opts()), 'ISSUER_MISMATCH');
    expect(err.path).toBe('Response/Assertion/Issuer');
  });

  it('Assertion Issuer with a non-entity Format → ISSUER_MISMATCH', async () => {
    const xml = response({}, { sign: 'both', edit: (doc) => first(assertionOf(doc), 'Issuer').setAttribute('Format', 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified') });
    await rejectsWith(verifyAssertion(xml, opts()), 'ISSUER_MISMATCH');
  });

  it('the Response Issuer is optional', async () => {
    await expect(verifyAssertion(response({ responseIssuer: null }, { sign: 'both' }), opts())).resolves.toBeDefined();
  });

  it('two Issuers in the Assertion → SAML_SHAPE_INVALID (counted before read)', async () => {
    const xml = response({}, { sign: 'both', edit: (doc) => void insert(assertionOf(doc), `<saml:Issuer>${TEST_IDP}</saml:Issuer>`, first(doc, 'Subject')) });
    await rejectsWith(verifyAssertion(xml, opts()), 'SAML_SHAPE_INVALID');
  });
});

describe('exactly one Assertion', () => {
  const second = (id: string) => buildAssertion({ assertionId: id, nameId: 'mallory@example.com' });

  it('two Assertions in a signed Response → ASSERTION_COUNT', async () => {
    const xml = response({}, { sign: 'response', edit: (doc) => void doc.documentElement!.appendChild(doc.importNode(parseXml(second('_second')).documentElement!, true)) });
    const err = await rejectsWith(verifyAssertion(xml, opts()), 'ASSERTION_COUNT');
    expect(err.details).toEqual({ count: 2 });
  });

  it('zero Assertions in a signed Success Response → ASSERTION_COUNT', async () => {
    const xml = response({}, { sign: 'response', edit: (doc) => void detach(assertionOf(doc)) });
    const err = await rejectsWith(verifyAssertion(xml, opts()), 'ASSERTION_COUNT');
    expect(err.details).toEqual({ count: 0 });
  });

  it('the only Assertion nested in samlp:Extensions (not a direct child) → ASSERTION_COUNT', async () => {
    const xml = response({}, {
      sign: 'response',
      edit: (doc) => {
        const a = detach(assertionOf(doc));
        const [ext] = insert(doc.documentElement!, '<samlp:Extensions/>', first(doc, 'Status', NS.samlp));
        ext!.appendChild(a);
      },
    });
    await rejectsWith(verifyAssertion(xml, opts()), 'ASSERTION_COUNT');
  });
});

describe('encryption without configured SP keys is refused, not ignored', () => {
  const encryptedData = `<xenc:EncryptedData Type="http://www.w3.org/2001/04/xmlenc#Element"><xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes256-cbc"/><xenc:CipherData><xenc:CipherValue>AAAA</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>`;

  it('EncryptedAssertion instead of the Assertion (signed Response), no sp.decryptionKeys → DECRYPTION_KEY_MISSING', async () => {
    const xml = response({}, {
      sign: 'response',
      edit: (doc) => {
        const a = assertionOf(doc);
        insert(doc.documentElement!, `<saml:EncryptedAssertion>${encryptedData}</saml:EncryptedAssertion>`, a);
        detach(a);
      },
    });
    await rejectsWith(verifyAssertion(xml, opts()), 'DECRYPTION_KEY_MISSING');
  });

  it('EncryptedAssertion beside a signed plain Assertion → ASSERTION_COUNT', async () => {
    const xml = response({}, { sign: 'both', edit: (doc) => void insert(doc.documentElement!, `<saml:EncryptedAssertion>${encryptedData}</saml:EncryptedAssertion>`) });
    await rejectsWith(verifyAssertion(xml, opts()), 'ASSERTION_COUNT');
  });

  it('EncryptedID instead of NameID (signed after the edit), no sp.decryptionKeys → DECRYPTION_KEY_MISSING', async () => {
    const xml = response({}, {
      sign: 'both',
      edit: (doc) => {
        const nameId = first(doc, 'NameID');
        insert(nameId.parentNode as Element, `<saml:EncryptedID>${encryptedData}</saml:EncryptedID>`, nameId);
        detach(nameId);
      },
    });
    const err = await rejectsWith(verifyAssertion(xml, opts()), 'DECRYPTION_KEY_MISSING');
    expect(err.path).toMatch(/Subject$/);
  });

  it('EncryptedAttribute, no sp.decryptionKeys → DECRYPTION_KEY_MISSING', async () => {
    const xml = response({}, { sign: 'both', edit: (doc) => void insert(first(doc, 'AttributeStatement'), `<saml:EncryptedAttribute>${encryptedData}</saml:EncryptedAttribute>`) });
    await rejectsWith(verifyAssertion(xml, opts()), 'DECRYPTION_KEY_MISSING');
  });
});

describe('signatures required', () => {
  it('neither Response nor Assertion signed → SIGNATURE_MISSING', async () => {
    await rejectsWith(verifyAssertion(response({}, { sign: 'none' }), opts()), 'SIGNATURE_MISSING');
  });

  it('unsigned bare Assertion → SIGNATURE_MISSING', async () => {
    await rejectsWith(verifyAssertion(bareAssertion({}, { sign: false }), opts()), 'SIGNATURE_MISSING');
  });

  it('requireSignedAssertion with only the Response signed → SIGNATURE_MISSING; with both signed → accepted', async () => {
    const err = await rejectsWith(verifyAssertion(response({}, { sign: 'response' }), opts({ requireSignedAssertion: true })), 'SIGNATURE_MISSING');
    expect(err.path).toBe('Response/Assertion');
    await expect(verifyAssertion(response({}, { sign: 'both' }), opts({ requireSignedAssertion: true }))).resolves.toBeDefined();
    await expect(verifyAssertion(response({}, { sign: 'assertion' }), opts({ requireSignedAssertion: true }))).resolves.toBeDefined();
  });

  it('signed by an untrusted key (same certificate subject) → KEY_NOT_TRUSTED', async () => {
    await rejectsWith(verifyAssertion(response({}, { keyName: 'attacker-rsa2048' }), opts()), 'KEY_NOT_TRUSTED');
  });

  it('a valid Assertion signature does not excuse a broken Response signature → DIGEST_MISMATCH', async () => {
    const xml = response({}, { sign: 'both' }).replace(`Destination="${TEST_ACS}"`, `Destination="${TEST_ACS}" Consent="urn:oasis:names:tc:SAML:2.0:consent:obtained"`);
    await rejectsWith(verifyAssertion(xml, opts()), 'DIGEST_MISMATCH');
  });
});

describe('SAML-level signature wrapping (XSW)', () => {
  const evil = (id: string) => parseXml(buildAssertion({ assertionId: id, nameId: 'admin@example.com' })).documentElement!;

  it('Response signed, unsigned evil Assertion inserted BEFORE the signed one → ASSERTION_COUNT', async () => {
    const xml = withDocument(response({}, { sign: 'response' }), (doc) => {
      doc.documentElement!.insertBefore(doc.importNode(evil('_evil'), true), assertionOf(doc));
    });
    await rejectsWith(verifyAssertion(xml, opts()), 'ASSERTION_COUNT');
  });

  it('Response signed, unsigned evil Assertion inserted AFTER the signed one → ASSERTION_COUNT', async () => {
    const xml = withDocument(response({}, { sign: 'response' }), (doc) => void doc.documentElement!.appendChild(doc.importNode(evil('_evil'), true)));
    await rejectsWith(verifyAssertion(xml, opts()), 'ASSERTION_COUNT');
  });

  it('Assertion signed: signed original moved into samlp:Extensions, evil Assertion in its place → ASSERTION_COUNT', async () => {
    const xml = withDocument(response({}, { sign: 'assertion' }), (doc) => {
      const original = assertionOf(doc);
      const [ext] = fragment(doc, '<samlp:Extensions/>');
      doc.documentElement!.insertBefore(ext!, first(doc, 'Status', NS.samlp));
      doc.documentElement!.replaceChild(doc.importNode(evil('_evil'), true), original);
      ext!.appendChild(original);
    });
    await rejectsWith(verifyAssertion(xml, opts()), 'ASSERTION_COUNT');
  });

  it('Assertion signed: signed original moved into the evil Assertion\'s saml:Advice → ASSERTION_COUNT', async () => {
    const xml = withDocument(response({}, { sign: 'assertion' }), (doc) => {
      const original = assertionOf(doc);
      const bad = doc.importNode(evil('_evil'), true) as ReturnType<typeof evil>;
      const [advice] = fragment(doc, '<saml:Advice/>');
      bad.insertBefore(advice!, all(bad, 'AuthnStatement')[0] ?? null);
      doc.documentElement!.replaceChild(bad, original);
      advice!.appendChild(original);
    });
    expect(xml).toContain('<saml:Advice>');
    await rejectsWith(verifyAssertion(xml, opts()), 'ASSERTION_COUNT');
  });

  it('Assertion signed: signed original moved into a ds:Object of a signature on the evil Assertion → ASSERTION_COUNT', async () => {
    const xml = withDocument(response({}, { sign: 'assertion' }), (doc) => {
      const original = assertionOf(doc);
      const signature = first(doc, 'Signature', NS.ds);
      const bad = doc.importNode(evil('_evil'), true);
      const copiedSig = signature.cloneNode(true);
      const [object] = fragment(doc, '<ds:Object/>');
      copiedSig.appendChild(object!);
      bad.insertBefore(copiedSig, (bad as unknown as { firstChild: { nextSibling: never } }).firstChild.nextSibling);
      doc.documentElement!.replaceChild(bad, original);
      object!.appendChild(original);
    });
    await rejectsWith(verifyAssertion(xml, opts()), 'ASSERTION_COUNT');
  });

  it('evil Assertion carrying the SAME ID as the moved signed original → DUPLICATE_ID', async () => {
    const xml = withDocument(response({}, { sign: 'assertion' }), (doc) => {
      const original = assertionOf(doc);
      const [ext] = fragment(doc, '<samlp:Extensions/>');
      doc.documentElement!.insertBefore(ext!, first(doc, 'Status', NS.samlp));
      doc.documentElement!.replaceChild(doc.importNode(evil(ASSERTION_ID), true), original);
      ext!.appendChild(original);
    });
    await rejectsWith(verifyAssertion(xml, opts()), 'DUPLICATE_ID');
  });

  it('the signed Assertion\'s signature moved onto an evil Assertion → a signature error (REFERENCE_INVALID)', async () => {
    // The only Assertion is the evil one; it carries the original (valid) signature whose Reference names
    // the original ID, which no longer exists in the document.
    const xml = withDocument(response({}, { sign: 'assertion' }), (doc) => {
      const original = assertionOf(doc);
      const sig = detach(first(doc, 'Signature', NS.ds));
      const bad = doc.importNode(evil('_evil'), true);
      bad.insertBefore(sig, (bad as unknown as { firstChild: { nextSibling: never } }).firstChild.nextSibling);
      doc.documentElement!.replaceChild(bad, original);
    });
    await rejectsWith(verifyAssertion(xml, opts()), 'REFERENCE_INVALID');
  });

  it('a signed Response cannot be re-used around a different Assertion → DIGEST_MISMATCH', async () => {
    const xml = withDocument(response({}, { sign: 'response' }), (doc) => {
      doc.documentElement!.replaceChild(doc.importNode(evil(ASSERTION_ID), true), assertionOf(doc));
    });
    await rejectsWith(verifyAssertion(xml, opts()), 'DIGEST_MISMATCH');
  });
});

describe('NameID comment injection', () => {
  it('a comment inserted after signing does not break the digest and never truncates the NameID', async () => {
    const signed = response({ nameId: 'alice@example.com.evil.com' }, { sign: 'both' });
    const injected = signed.replace('alice@example.com.evil.com</saml:NameID>', 'alice@example.com<!---->.evil.com</saml:NameID>');
    expect(injected).toContain('alice@example.com<!---->.evil.com');
    const r = await verifyAssertion(injected, opts());
    expect(r.subject.nameId).toBe('alice@example.com.evil.com');
  });

  it('the same for an Issuer and an attribute value (every text node is read)', async () => {
    const signed = response({ attributes: { role: ['admin.evil'] } }, { sign: 'assertion' });
    const injected = signed.replace('>admin.evil<', '>admin<!-- x -->.evil<');
    const r = await verifyAssertion(injected, opts());
    expect(r.attributes['role']).toEqual(['admin.evil']);
  });

  it('a CDATA section splitting the NameID is read in full (and still matches the digest)', async () => {
    const signed = response({ nameId: 'bob@example.com' }, { sign: 'assertion' });
    const injected = signed.replace('bob@example.com</saml:NameID>', 'bob@<![CDATA[example]]>.com</saml:NameID>');
    const r = await verifyAssertion(injected, opts());
    expect(r.subject.nameId).toBe('bob@example.com');
  });
});

describe('SHA-1', () => {
  it('RSA-SHA1 + SHA-1 signed Response without allowSha1 → ALGORITHM_NOT_ALLOWED; with it, accepted', async () => {
    const xml = response({}, { sign: 'response', signatureAlgorithm: 'rsa-sha1', digestAlgorithm: 'sha1' });
    await rejectsWith(verifyAssertion(xml, opts()), 'ALGORITHM_NOT_ALLOWED');
    const r = await verifyAssertion(xml, opts({ allowSha1: true }));
    expect(r.signature).toMatchObject({ covered: 'response', algorithm: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', digest: 'http://www.w3.org/2000/09/xmldsig#sha1' });
  });

  it('RSA-SHA1 signature with a SHA-256 digest → ALGORITHM_NOT_ALLOWED', async () => {
    await rejectsWith(verifyAssertion(response({}, { signatureAlgorithm: 'rsa-sha1' }), opts()), 'ALGORITHM_NOT_ALLOWED');
  });

  it('RSA-SHA256 signature with a SHA-1 digest → ALGORITHM_NOT_ALLOWED', async () => {
    await rejectsWith(verifyAssertion(response({}, { digestAlgorithm: 'sha1' }), opts()), 'ALGORITHM_NOT_ALLOWED');
    await expect(verifyAssertion(response({}, { digestAlgorithm: 'sha1' }), opts({ allowSha1: true }))).resolves.toBeDefined();
  });

  it('a 1024-bit RSA key is refused by default (KEY_NOT_TRUSTED) and accepted with allowSha1 (floor lowered to 1024)', async () => {
    const weak = loadKeyPair('rsa1024');
    const xml = response({}, { keyName: 'rsa1024' });
    const o = { idp: { entityId: TEST_IDP, certificates: [weak.certificatePem] } };
    await rejectsWith(verifyAssertion(xml, opts(o)), 'KEY_NOT_TRUSTED');
    await expect(verifyAssertion(xml, opts({ ...o, allowSha1: true }))).resolves.toBeDefined();
    await rejectsWith(verifyAssertion(xml, opts({ ...o, allowSha1: true, minRsaKeyBits: 2048 })), 'KEY_NOT_TRUSTED');
  });
});

describe('bare Assertion root', () => {
  it('is verified with its own signature; a response-level rule (Destination) does not apply', async () => {
    const r = await verifyAssertion(bareAssertion(), opts({ recipient: TEST_ACS }));
    expect(r.signature.covered).toBe('assertion');
  });

  it('a bare Assertion with a nested second Assertion (in Advice) → ASSERTION_COUNT', async () => {
    const xml = bareAssertion({}, {
      edit: (doc) => {
        const [advice] = insert(doc.documentElement!, '<saml:Advice/>', first(doc, 'AuthnStatement'));
        advice!.appendChild(doc.importNode(parseXml(buildAssertion({ assertionId: '_inner' })).documentElement!, true));
      },
    });
    await rejectsWith(verifyAssertion(xml, opts()), 'ASSERTION_COUNT');
  });
});
