/**
 * The one permitted ds:Signature shape, and the one permitted Reference form. Edits are re-signed
 * with the trusted key wherever the result can be signed, so the shape rule alone rejects them.
 */
import { describe, expect, it } from 'vitest';
import { C14N } from '../../src/c14n/index.js';
import { setText } from '../../fixtures/mutate.js';
import {
  ASSERTION_ID,
  NS,
  RESPONSE_ID,
  dsChild,
  dsElement,
  edit,
  expectCode,
  redigest,
  resign,
  signDoc,
  verifyDoc,
  type SigParts,
} from '../dsig/helpers.js';

const valid = signDoc();

const shapeInvalid = (mutate: (p: SigParts) => void, { sign = true } = {}) => {
  const xml = edit(valid, (p) => {
    mutate(p);
    if (sign) resign(p);
  });
  return expectCode(() => verifyDoc(xml), 'SIGNATURE_SHAPE_INVALID');
};

describe('shape: baseline', () => {
  it('the unmodified document verifies', () => {
    verifyDoc(valid);
  });

  it('base64 wrapped over lines (as many IdPs emit it) is accepted in DigestValue, SignatureValue and X509Certificate', () => {
    const wrap = (s: string) => '\n' + s.replace(/(.{64})/g, '$1\n') + '\n';
    const xml = edit(valid, (p) => {
      setText(p.digestValue, wrap(p.digestValue.textContent!));
      resign(p); // DigestValue is inside SignedInfo: its whitespace is signed
      setText(p.signatureValue, wrap(p.signatureValue.textContent!));
      const cert = dsChild(dsChild(p.keyInfo!, 'X509Data'), 'X509Certificate');
      setText(cert, wrap(cert.textContent!));
    });
    verifyDoc(xml);
  });

  it('whitespace between the ds elements is accepted', () => {
    const xml = edit(valid, (p) => {
      for (const el of [p.signature, p.signedInfo, p.reference, p.transforms]) {
        for (const child of [...Array.from({ length: el.childNodes.length }, (_, i) => el.childNodes.item(i)!)]) {
          el.insertBefore(p.doc.createTextNode('\n  \t'), child);
        }
      }
      resign(p);
    });
    verifyDoc(xml);
  });
});

describe('shape: Signature element', () => {
  it('no Signature → SIGNATURE_MISSING', () => {
    const xml = edit(valid, (p) => p.target.removeChild(p.signature));
    expectCode(() => verifyDoc(xml), 'SIGNATURE_MISSING');
  });

  it('a Signature in another namespace is not a signature → SIGNATURE_MISSING', () => {
    const xml = valid.replace('xmlns:ds="http://www.w3.org/2000/09/xmldsig#"', 'xmlns:ds="urn:attacker:dsig"');
    expect(xml).not.toBe(valid);
    expectCode(() => verifyDoc(xml), 'SIGNATURE_MISSING');
  });

  it('two Signature children (a duplicate of the valid one) → SIGNATURE_SHAPE_INVALID', () => {
    const xml = edit(valid, (p) => p.target.insertBefore(p.signature.cloneNode(true), p.signature));
    expectCode(() => verifyDoc(xml), 'SIGNATURE_SHAPE_INVALID');
  });

  it('two Signature children, the second one not even a real signature → SIGNATURE_SHAPE_INVALID', () => {
    const xml = edit(valid, (p) => p.target.appendChild(dsElement(p.doc, 'Signature')));
    expectCode(() => verifyDoc(xml), 'SIGNATURE_SHAPE_INVALID');
  });

  it('ds:Object child in Signature → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => p.signature.appendChild(dsElement(p.doc, 'Object')));
  });

  it('ds:Object in place of KeyInfo → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => p.signature.replaceChild(dsElement(p.doc, 'Object'), p.keyInfo!));
  });

  it('KeyInfo twice → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => p.signature.appendChild(p.keyInfo!.cloneNode(true)));
  });

  it('a foreign-namespace element in Signature → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => p.signature.appendChild(p.doc.createElementNS('urn:x', 'x:Extra')));
  });

  it('SignatureValue before SignedInfo → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => p.signature.insertBefore(p.signatureValue, p.signedInfo));
  });

  it('SignedInfo missing → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => p.signature.removeChild(p.signedInfo), { sign: false });
  });

  it('SignatureValue missing → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => p.signature.removeChild(p.signatureValue), { sign: false });
  });

  it('non-whitespace text in Signature → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => p.signature.insertBefore(p.doc.createTextNode('x'), p.signatureValue));
  });
});

describe('shape: SignedInfo', () => {
  it('text in SignedInfo → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => p.signedInfo.appendChild(p.doc.createTextNode('evil')));
  });

  it('CanonicalizationMethod missing → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => p.signedInfo.removeChild(p.c14nMethod), { sign: false });
  });

  it('SignatureMethod missing → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => p.signedInfo.removeChild(p.signatureMethod), { sign: false });
  });

  it('SignatureMethod before CanonicalizationMethod → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => p.signedInfo.insertBefore(p.signatureMethod, p.c14nMethod));
  });

  it('SignatureMethod in another namespace → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid(
      (p) => {
        const foreign = p.doc.createElementNS('urn:attacker', 'x:SignatureMethod');
        foreign.setAttribute('Algorithm', p.signatureMethod.getAttribute('Algorithm')!);
        p.signedInfo.replaceChild(foreign, p.signatureMethod);
      },
      { sign: false },
    );
  });

  it('SignatureMethod with a child element → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => p.signatureMethod.appendChild(dsElement(p.doc, 'HMACOutputLength')));
  });

  it('SignatureMethod without / with empty Algorithm → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => p.signatureMethod.removeAttribute('Algorithm'), { sign: false });
    shapeInvalid((p) => p.signatureMethod.setAttribute('Algorithm', ''), { sign: false });
  });

  it('CanonicalizationMethod without Algorithm → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => p.c14nMethod.removeAttribute('Algorithm'), { sign: false });
  });

  it('InclusiveNamespaces under an inclusive CanonicalizationMethod → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => {
      p.c14nMethod.setAttribute('Algorithm', C14N.C14N10);
      const inc = p.doc.createElementNS(NS.ec, 'ec:InclusiveNamespaces');
      inc.setAttribute('PrefixList', 'saml');
      p.c14nMethod.appendChild(inc);
    });
  });

  it('two InclusiveNamespaces / one in the wrong namespace / one with a child → SIGNATURE_SHAPE_INVALID', () => {
    const inc = (p: SigParts, ns: string = NS.ec) => {
      const el = p.doc.createElementNS(ns, ns === NS.ec ? 'ec:InclusiveNamespaces' : 'x:InclusiveNamespaces');
      el.setAttribute('PrefixList', 'saml');
      return el;
    };
    shapeInvalid((p) => {
      p.c14nMethod.appendChild(inc(p));
      p.c14nMethod.appendChild(inc(p));
    });
    shapeInvalid((p) => p.c14nMethod.appendChild(inc(p, 'urn:attacker')));
    shapeInvalid((p) => {
      const el = inc(p);
      el.appendChild(dsElement(p.doc, 'XPath'));
      p.c14nMethod.appendChild(el);
    });
  });

  it('a valid InclusiveNamespaces added to SignedInfo c14n and re-signed verifies (the above are shape-only rejections)', () => {
    verifyDoc(
      edit(valid, (p) => {
        const el = p.doc.createElementNS(NS.ec, 'ec:InclusiveNamespaces');
        el.setAttribute('PrefixList', 'saml');
        p.c14nMethod.appendChild(el);
        resign(p);
      }),
    );
  });
});

describe('shape: Reference children and base64 values', () => {
  it('element after DigestValue → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => p.reference.appendChild(dsElement(p.doc, 'DigestValue')));
  });

  it('DigestValue missing → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => p.reference.removeChild(p.digestValue));
  });

  it('DigestMethod missing → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => p.reference.removeChild(p.digestMethod));
  });

  it('DigestMethod with a child element → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => p.digestMethod.appendChild(dsElement(p.doc, 'Extra')));
  });

  it.each([
    ['non-base64 characters', 'not*base64!'],
    ['base64url alphabet', '-_-_-_-_'],
    ['bad padding', 'AAA'],
    ['padding in the middle', 'AA==AAAA'],
    ['too much padding', 'A==='],
    ['empty', ''],
    ['whitespace only', '  \n '],
  ])('DigestValue: %s → SIGNATURE_SHAPE_INVALID', (_name, value) => {
    shapeInvalid((p) => setText(p.digestValue, value));
  });

  it('DigestValue with a child element → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => p.digestValue.appendChild(dsElement(p.doc, 'X')));
  });

  it('valid base64 of the wrong digest → DIGEST_MISMATCH (not a shape error)', () => {
    const xml = edit(valid, (p) => {
      setText(p.digestValue, Buffer.alloc(32, 7).toString('base64'));
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'DIGEST_MISMATCH');
  });

  it.each([
    ['non-base64 characters', 'AAAA$AAA'],
    ['bad padding', 'AAAAA'],
    ['empty', ''],
  ])('SignatureValue: %s → SIGNATURE_SHAPE_INVALID', (_name, value) => {
    shapeInvalid((p) => setText(p.signatureValue, value), { sign: false });
  });
});

describe('Reference: exactly one, URI="#<ID of the signing element>"', () => {
  it('a second Reference → REFERENCE_INVALID', () => {
    const xml = edit(valid, (p) => {
      const second = p.reference.cloneNode(true) as typeof p.reference;
      second.setAttribute('URI', '#' + RESPONSE_ID);
      p.signedInfo.appendChild(second);
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'REFERENCE_INVALID');
  });

  it('the same Reference twice → REFERENCE_INVALID', () => {
    const xml = edit(valid, (p) => {
      p.signedInfo.appendChild(p.reference.cloneNode(true));
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'REFERENCE_INVALID');
  });

  it('no Reference → REFERENCE_INVALID', () => {
    const xml = edit(valid, (p) => {
      p.signedInfo.removeChild(p.reference);
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'REFERENCE_INVALID');
  });

  it.each([
    ['empty (whole document)', ''],
    ['#xpointer(/)', '#xpointer(/)'],
    ["#xpointer(id('…'))", `#xpointer(id('${ASSERTION_ID}'))`],
    ['bare #xpointer', '#xpointer'],
    ['external http URI', 'http://attacker.test/assertion.xml'],
    ['external URI with fragment', `http://attacker.test/a.xml#${ASSERTION_ID}`],
    ['relative document with fragment', `other.xml#${ASSERTION_ID}`],
    ['file URI', 'file:///etc/passwd'],
    ['bare ID without #', ASSERTION_ID],
    ['just #', '#'],
    ['double #', `##${ASSERTION_ID}`],
    ['ID with a space', `#${ASSERTION_ID} x`],
  ])('URI %s → REFERENCE_INVALID', (_name, uri) => {
    const xml = edit(valid, (p) => {
      p.reference.setAttribute('URI', uri);
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'REFERENCE_INVALID');
  });

  it('URI attribute missing → REFERENCE_INVALID', () => {
    const xml = edit(valid, (p) => {
      p.reference.removeAttribute('URI');
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'REFERENCE_INVALID');
  });

  it('"#other-id" (the Response that contains the signed Assertion), validly signed → REFERENCE_INVALID', () => {
    const xml = edit(valid, (p) => {
      p.reference.setAttribute('URI', '#' + RESPONSE_ID);
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'REFERENCE_INVALID');
  });

  it('"#id" of a descendant of the signing element (e.g. the Subject), validly signed → REFERENCE_INVALID', () => {
    const xml = edit(valid, (p) => {
      const subject = p.target.getElementsByTagNameNS(NS.saml, 'Subject').item(0)!;
      subject.setAttribute('ID', '_subject');
      p.reference.setAttribute('URI', '#_subject');
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'REFERENCE_INVALID');
  });

  it('"#id" of the SignedInfo itself, validly signed → REFERENCE_INVALID', () => {
    const xml = edit(valid, (p) => {
      p.signedInfo.setAttribute('Id', '_si');
      p.reference.setAttribute('URI', '#_si');
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'REFERENCE_INVALID');
  });

  it('"#id" that names no element, validly signed → REFERENCE_INVALID', () => {
    const xml = edit(valid, (p) => {
      p.reference.setAttribute('URI', '#_nowhere');
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'REFERENCE_INVALID');
  });

  describe('URI="" (allowEmptyReferenceUri)', () => {
    const emptyUri = (id: string) =>
      edit(
        signDoc({ id }),
        (p) => {
          p.reference.setAttribute('URI', '');
          resign(p);
        },
        id,
      );

    it('on the document element: verifies by default (it covers exactly what #<root ID> would)', () => {
      const xml = emptyUri(RESPONSE_ID);
      const result = verifyDoc(xml, { id: RESPONSE_ID });
      expect(result.element).toBe(result.parsed.root);
      // The whole document is digested: a change anywhere in it is caught.
      const tampered = xml.replace('alice@example.com</saml:NameID>', 'mallory@example.com</saml:NameID>');
      expectCode(() => verifyDoc(tampered, { id: RESPONSE_ID }), 'DIGEST_MISMATCH');
    });

    it('on a nested element (the Assertion): REFERENCE_INVALID by default; with the opt-in the whole document is digested', () => {
      // Resigning over the Assertion's canonical form leaves a digest that does not cover the document.
      const xml = emptyUri(ASSERTION_ID);
      const err = expectCode(() => verifyDoc(xml), 'REFERENCE_INVALID');
      expect(err.message).toContain('allowEmptyReferenceUri');
      expectCode(() => verifyDoc(xml, { policy: { allowEmptyReferenceUri: true } }), 'DIGEST_MISMATCH');
    });

    it('on a nested element, signed over the whole document: verifies only with the opt-in, and the Assertion is what is returned', () => {
      const xml = edit(signDoc(), (p) => {
        p.reference.setAttribute('URI', '');
        redigest(p, p.target.ownerDocument!.documentElement!);
        resign(p);
      });
      expectCode(() => verifyDoc(xml), 'REFERENCE_INVALID');
      const result = verifyDoc(xml, { policy: { allowEmptyReferenceUri: true } });
      expect(result.element.localName).toBe('Assertion');
      // The Response around it is covered too: editing it breaks the digest.
      expectCode(() => verifyDoc(xml.replace('Version="2.0" IssueInstant', 'Version="2.0" Consent="urn:x" IssueInstant'), { policy: { allowEmptyReferenceUri: true } }), 'DIGEST_MISMATCH');
    });
  });
});

describe('namespaces of the signature parts', () => {
  it('Transforms in a foreign namespace is not ds:Transforms: the Reference then has no enveloped transform → TRANSFORM_NOT_ALLOWED', () => {
    const xml = edit(valid, (p) => {
      const foreign = p.doc.createElementNS('urn:evil', 'x:Transforms');
      while (p.transforms.firstChild) foreign.appendChild(p.transforms.firstChild);
      p.reference.replaceChild(foreign, p.transforms);
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'TRANSFORM_NOT_ALLOWED');
  });

  it('a Transform in a foreign namespace inside ds:Transforms → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => {
      const t = p.transforms.getElementsByTagNameNS(NS.ds, 'Transform').item(1)!;
      const foreign = p.doc.createElementNS('urn:evil', 'x:Transform');
      foreign.setAttribute('Algorithm', t.getAttribute('Algorithm')!);
      p.transforms.replaceChild(foreign, t);
    });
  });
});

describe('shape: survivors of the mutation run, pinned', () => {
  it('an empty comment inside Signature or SignedInfo is still a comment → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => p.signature.insertBefore(p.doc.createComment(''), p.signedInfo));
    shapeInvalid((p) => p.signedInfo.appendChild(p.doc.createComment('')));
    shapeInvalid((p) => p.digestValue.appendChild(p.doc.createComment('')));
  });

  it('an element of the exc-c14n namespace that is not InclusiveNamespaces → SIGNATURE_SHAPE_INVALID', () => {
    shapeInvalid((p) => {
      const el = p.doc.createElementNS(NS.ec, 'ec:ExclusiveNamespaces');
      el.setAttribute('PrefixList', 'saml');
      p.c14nMethod.appendChild(el);
    });
  });

  it('InclusiveNamespaces is a parameter of exclusive c14n WithComments too: accepted and honoured', () => {
    verifyDoc(
      edit(valid, (p) => {
        p.c14nMethod.setAttribute('Algorithm', C14N.EXC_WITH_COMMENTS);
        const el = p.doc.createElementNS(NS.ec, 'ec:InclusiveNamespaces');
        el.setAttribute('PrefixList', 'saml');
        p.c14nMethod.appendChild(el);
        resign(p);
      }),
    );
  });
});
