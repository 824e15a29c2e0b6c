import { describe, expect, it } from 'vitest';
import { DOMParser } from '@xmldom/xmldom';
import { C14N, type C14nAlgorithm } from '../../src/c14n/index.js';
import { verifySignedElement } from '../../src/dsig/verify.js';
import { parseXml, resolveLimits } from '../../src/xml/parse.js';
import { parseWithXmldom } from '../../src/xml/parse-xmldom.js';
import * as publicApi from '../../src/index.js';
import { loadKeyPair, type FixtureName } from '../../fixtures/index.js';
import { digestAlgorithmUri, signatureAlgorithmUri, type DigestAlgorithmName, type SignatureAlgorithmName } from '../../fixtures/signer.js';
import { buildResponse } from '../../fixtures/saml.js';
import { setText } from '../../fixtures/mutate.js';
import {
  ASSERTION_ID,
  NS,
  RESPONSE_ID,
  edit,
  expectCode,
  firstDescendant,
  redigest,
  resign,
  signDoc,
  trusted,
  verifyDoc,
} from './helpers.js';

describe('verifySignedElement: valid signatures verify', () => {
  const matrix: Array<[FixtureName, SignatureAlgorithmName, DigestAlgorithmName]> = [
    ['rsa2048', 'rsa-sha256', 'sha256'],
    ['rsa2048', 'rsa-sha384', 'sha384'],
    ['rsa2048', 'rsa-sha512', 'sha512'],
    ['rsa2048', 'rsa-sha256', 'sha512'],
    ['rsa3072', 'rsa-sha512', 'sha256'],
    ['ec-p256', 'ecdsa-sha256', 'sha256'],
    ['ec-p256', 'ecdsa-sha384', 'sha384'],
    ['ec-p256', 'ecdsa-sha512', 'sha512'],
    ['ec-p384', 'ecdsa-sha256', 'sha256'],
    ['ec-p384', 'ecdsa-sha384', 'sha384'],
    ['ec-p384', 'ecdsa-sha512', 'sha512'],
  ];

  it.each(matrix)('%s %s digest %s', (keyName, signatureAlgorithm, digestAlgorithm) => {
    const xml = signDoc({ keyName, signatureAlgorithm, digestAlgorithm });
    const parsed = parseXml(xml);
    const assertion = parsed.ids.get(ASSERTION_ID)!;
    const result = verifySignedElement(assertion, trusted(keyName));
    expect(result.element).toBe(assertion);
    expect(result.key.fingerprint).toBe(loadKeyPair(keyName).certificate.fingerprint256);
    expect(result.algorithms).toEqual({
      signature: signatureAlgorithmUri(signatureAlgorithm),
      digest: digestAlgorithmUri(digestAlgorithm),
      canonicalization: C14N.EXC,
      transforms: [NS.ds + 'enveloped-signature', C14N.EXC],
    });
  });

  const c14ns: Array<[string, C14nAlgorithm]> = [
    ['exclusive', C14N.EXC],
    ['exclusive with comments', C14N.EXC_WITH_COMMENTS],
    ['inclusive 1.0', C14N.C14N10],
    ['inclusive 1.0 with comments', C14N.C14N10_WITH_COMMENTS],
    ['inclusive 1.1', C14N.C14N11],
    ['inclusive 1.1 with comments', C14N.C14N11_WITH_COMMENTS],
  ];

  it.each(c14ns)('canonicalization: %s (signed Assertion nested in a Response)', (_name, canonicalization) => {
    const result = verifyDoc(signDoc({ canonicalization }));
    expect(result.element).toBe(result.target);
    expect(result.algorithms.canonicalization).toBe(canonicalization);
    expect(result.algorithms.transforms).toEqual([NS.ds + 'enveloped-signature', canonicalization]);
  });

  it.each(c14ns)('canonicalization: %s (signed Response = document element)', (_name, canonicalization) => {
    const result = verifyDoc(signDoc({ canonicalization, id: RESPONSE_ID }), { id: RESPONSE_ID });
    expect(result.element).toBe(result.parsed.root);
  });

  it('exclusive c14n with InclusiveNamespaces PrefixList in the transform and in SignedInfo', () => {
    const xml = signDoc({ inclusivePrefixes: ['xs', 'xsi', '#default'], signedInfoInclusivePrefixes: ['ds', 'saml'] });
    expect(xml).toContain('PrefixList="xs xsi #default"');
    expect(xml).toContain('PrefixList="ds saml"');
    const result = verifyDoc(xml);
    expect(result.element).toBe(result.target);
  });

  it('the PrefixList is honoured: an included prefix is digested, an unlisted unused one is not', () => {
    // xmlns:xs is declared on the Assertion but only used inside attribute values (xsi:type="xs:string"),
    // so exclusive c14n drops it unless the PrefixList names it.
    const rebind = (xml: string) =>
      edit(xml, (p) => {
        p.target.setAttributeNS(NS.xmlns, 'xmlns:xs', 'urn:attacker:types');
      });
    const withList = signDoc({ inclusivePrefixes: ['xs'] });
    const withoutList = signDoc();
    verifyDoc(withList);
    verifyDoc(withoutList);
    expectCode(() => verifyDoc(rebind(withList)), 'DIGEST_MISMATCH');
    expect(verifyDoc(rebind(withoutList)).element.getAttribute('ID')).toBe(ASSERTION_ID);
  });

  it.each(['first-child', 'last-child', 'after-issuer'] as const)('signature placement %s', (placement) => {
    verifyDoc(signDoc({ placement }));
  });

  it.each(['', 'dsig', 'x'])('ds prefix %j', (prefix) => {
    verifyDoc(signDoc({ prefix }));
  });

  it('Response and Assertion both signed: each verifies, each result is its own element', () => {
    const xml = signDoc({ xml: signDoc(), id: RESPONSE_ID });
    const parsed = parseXml(xml);
    const response = parsed.ids.get(RESPONSE_ID)!;
    const assertion = parsed.ids.get(ASSERTION_ID)!;
    expect(verifySignedElement(response, trusted('rsa2048')).element).toBe(response);
    expect(verifySignedElement(assertion, trusted('rsa2048')).element).toBe(assertion);
  });

  it('a signed document also verifies when passed to parseXml as UTF-8 bytes', () => {
    const xml = signDoc({ xml: buildResponse({ nameId: 'zoë+\u{1F600}@example.com' }) });
    const parsed = parseXml(new TextEncoder().encode(xml));
    const assertion = parsed.ids.get(ASSERTION_ID)!;
    expect(verifySignedElement(assertion, trusted('rsa2048')).element).toBe(assertion);
  });

  it('is exported from the public entry point', () => {
    expect(publicApi.verifySignedElement).toBe(verifySignedElement);
    const parsed = publicApi.parseXml(signDoc());
    const keys = publicApi.importTrustedKeys([loadKeyPair('rsa2048').certificatePem]);
    expect(publicApi.verifySignedElement(parsed.ids.get(ASSERTION_ID)!, keys).element).toBe(parsed.ids.get(ASSERTION_ID));
  });
});

describe('verifySignedElement: tampering', () => {
  const valid = signDoc();

  it('baseline: the untouched document verifies', () => {
    verifyDoc(valid);
  });

  it('changed element text → DIGEST_MISMATCH', () => {
    const xml = edit(valid, (p) => setText(firstDescendant(p.target, NS.saml, 'NameID'), 'admin@example.com'));
    expectCode(() => verifyDoc(xml), 'DIGEST_MISMATCH');
  });

  it('added attribute → DIGEST_MISMATCH', () => {
    const xml = edit(valid, (p) => p.target.setAttribute('Extra', '1'));
    expectCode(() => verifyDoc(xml), 'DIGEST_MISMATCH');
  });

  it('changed attribute value → DIGEST_MISMATCH', () => {
    const xml = edit(valid, (p) => firstDescendant(p.target, NS.saml, 'Conditions').setAttribute('NotOnOrAfter', '2099-01-01T00:00:00.000Z'));
    expectCode(() => verifyDoc(xml), 'DIGEST_MISMATCH');
  });

  it('removed element → DIGEST_MISMATCH', () => {
    const xml = edit(valid, (p) => {
      const conditions = firstDescendant(p.target, NS.saml, 'Conditions');
      conditions.parentNode!.removeChild(conditions);
    });
    expectCode(() => verifyDoc(xml), 'DIGEST_MISMATCH');
  });

  it('added element → DIGEST_MISMATCH', () => {
    const xml = edit(valid, (p) => {
      const extra = p.doc.createElementNS(NS.saml, 'saml:AttributeStatement');
      p.target.appendChild(extra);
    });
    expectCode(() => verifyDoc(xml), 'DIGEST_MISMATCH');
  });

  it('content changed and DigestValue recomputed, SignedInfo not re-signed → SIGNATURE_INVALID', () => {
    const xml = edit(valid, (p) => {
      setText(firstDescendant(p.target, NS.saml, 'NameID'), 'admin@example.com');
      redigest(p);
    });
    expectCode(() => verifyDoc(xml), 'SIGNATURE_INVALID');
  });

  it('SignedInfo changed (DigestMethod swapped for another allowed one) → SIGNATURE_INVALID', () => {
    const xml = edit(valid, (p) => p.digestMethod.setAttribute('Algorithm', digestAlgorithmUri('sha512')));
    expectCode(() => verifyDoc(xml), 'SIGNATURE_INVALID');
  });

  it('line ends: CR LF for a signed LF still verifies; NEL / LS / PS substituted for it → DIGEST_MISMATCH', () => {
    const signed = signDoc({ xml: buildResponse({ attributes: { note: ['line1\nline2'] } }) });
    expect(signed).toContain('line1\nline2');
    verifyDoc(signed);
    verifyDoc(signed.replace('line1\nline2', 'line1\r\nline2'));
    verifyDoc(signed.replace('line1\nline2', 'line1\rline2'));
    for (const ch of ['\u0085', '\u2028', '\u2029']) {
      expectCode(() => verifyDoc(signed.replace('line1\nline2', `line1${ch}line2`)), 'DIGEST_MISMATCH');
    }
  });

  it('content with U+2028 / U+0085 (as character references) signs and verifies, and is read back unchanged', () => {
    const signed = signDoc({ xml: buildResponse().replace('alice@example.com</saml:NameID>', 'alice&#x2028;&#x85;@example.com</saml:NameID>') });
    const result = verifyDoc(signed);
    expect(firstDescendant(result.element, NS.saml, 'NameID').textContent).toBe('alice\u2028\u0085@example.com');
  });

  it('SignatureValue bytes flipped → SIGNATURE_INVALID', () => {
    const xml = edit(valid, (p) => {
      const bytes = Buffer.from(p.signatureValue.textContent!, 'base64');
      bytes[10] = bytes[10]! ^ 0x01;
      setText(p.signatureValue, bytes.toString('base64'));
    });
    expectCode(() => verifyDoc(xml), 'SIGNATURE_INVALID');
  });

  it('truncated SignatureValue (valid base64, wrong length) → SIGNATURE_INVALID', () => {
    const xml = edit(valid, (p) => setText(p.signatureValue, Buffer.from(p.signatureValue.textContent!, 'base64').subarray(0, 64).toString('base64')));
    expectCode(() => verifyDoc(xml), 'SIGNATURE_INVALID');
  });

  it('helpers are sound: content + DigestMethod changed, re-digested and re-signed with the trusted key → verifies', () => {
    const xml = edit(valid, (p) => {
      setText(firstDescendant(p.target, NS.saml, 'NameID'), 'bob@example.com');
      p.digestMethod.setAttribute('Algorithm', digestAlgorithmUri('sha512'));
      redigest(p);
      resign(p);
    });
    const result = verifyDoc(xml);
    expect(result.algorithms.digest).toBe(digestAlgorithmUri('sha512'));
    expect(firstDescendant(result.element, NS.saml, 'NameID').textContent).toBe('bob@example.com');
  });
});

describe('verifySignedElement: the DOM must come from parseXml', () => {
  it('a document parsed by xmldom directly (no duplicate-ID check, no ID index) → REFERENCE_INVALID', () => {
    const xml = signDoc();
    verifyDoc(xml);
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    const assertion = firstDescendant(doc, NS.saml, 'Assertion');
    expectCode(() => verifySignedElement(assertion, trusted('rsa2048')), 'REFERENCE_INVALID');
  });

  it('the same holds for a signed document element parsed by xmldom', () => {
    const xml = signDoc({ id: RESPONSE_ID });
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    expectCode(() => verifySignedElement(doc.documentElement!, trusted('rsa2048')), 'REFERENCE_INVALID');
  });

  it('an xmldom-parsed XSW document with a duplicated ID (which parseXml refuses) → REFERENCE_INVALID', () => {
    const xml = signDoc();
    const evil = xml.replace(/<saml:Assertion [\s\S]*<\/saml:Assertion>/, (a) => a.replace('alice@example.com', 'admin@example.com') + a);
    expectCode(() => parseXml(evil), 'DUPLICATE_ID');
    const doc = new DOMParser().parseFromString(evil, 'text/xml');
    const first = firstDescendant(doc, NS.saml, 'Assertion');
    expectCode(() => verifySignedElement(first, trusted('rsa2048')), 'REFERENCE_INVALID');
  });

  it('a clone of the signed element appended to the same document is not the indexed element → REFERENCE_INVALID', () => {
    const xml = signDoc();
    // The parser lane's tree is read-only; the xmldom lane's can be mutated after the parse, as here.
    const parsed = parseWithXmldom(xml, resolveLimits(undefined));
    const assertion = parsed.ids.get(ASSERTION_ID)!;
    const copy = assertion.cloneNode(true) as typeof assertion;
    // A clone belongs to the same document but is not the indexed element: the reference does not name it.
    parsed.root.appendChild(copy);
    expectCode(() => verifySignedElement(copy, trusted('rsa2048')), 'REFERENCE_INVALID');
    expect(verifySignedElement(assertion, trusted('rsa2048')).element).toBe(assertion);
  });
});

describe('verifySignedElement accepts configured key material directly', () => {
  it('PEM certificates and KeyObjects are imported on the spot (importTrustedKeys is the fast path)', async () => {
    const { parseXml: parse } = await import('../../src/xml/parse.js');
    const { verifySignedElement: verifyEl } = await import('../../src/dsig/verify.js');
    const { loadKeyPair: load } = await import('../../fixtures/index.js');
    const { signXml: sign } = await import('../../fixtures/signer.js');
    const pair = load('rsa2048');
    const xml = sign('<r ID="_x"><v>1</v></r>', { id: '_x', key: pair.privateKey, certificate: pair.certificatePem });
    const root = parse(xml).root;
    expect(verifyEl(root, [pair.certificatePem]).element).toBe(root);
    expect(verifyEl(root, [pair.certificate.publicKey]).element).toBe(root);
    expect(() => verifyEl(root, [load('attacker-rsa2048').certificatePem])).toThrow(expect.objectContaining({ code: 'KEY_NOT_TRUSTED' }));
    expect(() => verifyEl(root, [pair.privateKeyPem])).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
