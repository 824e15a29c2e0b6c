/**
 * XML Signature Wrapping (XSW): the attacker keeps a genuinely signed element somewhere in the
 * document and puts an element of their own where the application will read. Every variant must fail
 * on the element the application would read, and verification must only ever hand back the signed one.
 */
import { describe, expect, it } from 'vitest';
import type { Document, Element } from '@xmldom/xmldom';
import { verifySignedElement } from '../../src/dsig/verify.js';
import { parseXml } from '../../src/xml/parse.js';
import { C14N } from '../../src/c14n/index.js';
import { buildResponse } from '../../fixtures/saml.js';
import { childElements, setText } from '../../fixtures/mutate.js';
import {
  ASSERTION_ID,
  NS,
  RESPONSE_ID,
  byId,
  dsChild,
  editDoc,
  expectCode,
  firstDescendant,
  redigest,
  sigParts,
  signDoc,
  trusted,
  verifyDoc,
} from '../dsig/helpers.js';

const EVIL_ID = '_evil0000000000000000000000000000';

const valid = signDoc();
const validResponse = signDoc({ id: RESPONSE_ID });

function assertionOf(doc: Document, id: string): Element {
  return byId(doc, id);
}

/** A deep copy of the signed Assertion with a new ID and the attacker's NameID. */
function evilCopy(original: Element, { id = EVIL_ID, keepSignature = true, nameId = 'admin@example.com' } = {}): Element {
  const evil = original.cloneNode(true) as Element;
  evil.setAttribute('ID', id);
  setText(firstDescendant(evil, NS.saml, 'NameID'), nameId);
  if (!keepSignature) for (const sig of childElements(evil).filter((e) => e.namespaceURI === NS.ds)) evil.removeChild(sig);
  return evil;
}

function wrapper(doc: Document, local = 'Extensions'): Element {
  return doc.createElementNS(NS.samlp, `samlp:${local}`);
}

const nameIdOf = (el: Element) => firstDescendant(el, NS.saml, 'NameID').textContent;

describe('XSW: baseline', () => {
  it('the unmodified documents verify', () => {
    expect(nameIdOf(verifyDoc(valid).element)).toBe('alice@example.com');
    verifyDoc(validResponse, { id: RESPONSE_ID });
  });
});

describe('XSW: evil copy in place of the signed Assertion, original wrapped elsewhere', () => {
  // Response > [Issuer, Status, EvilAssertion(+copied Signature → #original), Extensions > OriginalAssertion]
  const attack = (opts: Parameters<typeof evilCopy>[1] = {}, place: 'wrapper-after' | 'wrapper-before' | 'inside-evil' | 'inside-signature-object' = 'wrapper-after') =>
    editDoc(valid, (doc) => {
      const original = assertionOf(doc, ASSERTION_ID);
      const evil = evilCopy(original, opts);
      const response = doc.documentElement!;
      response.replaceChild(evil, original);
      if (place === 'inside-evil') {
        evil.appendChild(original);
      } else if (place === 'inside-signature-object') {
        const object = doc.createElementNS(NS.ds, 'ds:Object');
        object.appendChild(original);
        dsChild(evil, 'Signature').appendChild(object);
      } else {
        const wrap = wrapper(doc);
        wrap.appendChild(original);
        if (place === 'wrapper-after') response.appendChild(wrap);
        else response.insertBefore(wrap, evil);
      }
    });

  it('the evil copy carrying the original Signature → REFERENCE_INVALID (the Reference names the wrapped original)', () => {
    const xml = attack();
    const err = expectCode(() => verifyDoc(xml, { id: EVIL_ID }), 'REFERENCE_INVALID');
    expect(err.path).toContain('Reference');
  });

  it('…and the wrapped original still verifies, returning the original (not the evil copy)', () => {
    const result = verifyDoc(attack(), { id: ASSERTION_ID });
    expect(result.element).toBe(result.parsed.ids.get(ASSERTION_ID));
    expect(nameIdOf(result.element)).toBe('alice@example.com');
    expect(result.element.parentNode?.localName).toBe('Extensions');
  });

  it('wrapper placed before the evil copy → REFERENCE_INVALID', () => {
    expectCode(() => verifyDoc(attack({}, 'wrapper-before'), { id: EVIL_ID }), 'REFERENCE_INVALID');
  });

  it('original nested inside the evil copy → REFERENCE_INVALID', () => {
    expectCode(() => verifyDoc(attack({}, 'inside-evil'), { id: EVIL_ID }), 'REFERENCE_INVALID');
  });

  it('original hidden in a ds:Object of the evil copy\'s Signature → SIGNATURE_SHAPE_INVALID', () => {
    expectCode(() => verifyDoc(attack({}, 'inside-signature-object'), { id: EVIL_ID }), 'SIGNATURE_SHAPE_INVALID');
  });

  it('the evil copy without any Signature → SIGNATURE_MISSING', () => {
    expectCode(() => verifyDoc(attack({ keepSignature: false }), { id: EVIL_ID }), 'SIGNATURE_MISSING');
  });

  it('the evil copy keeps the original ID (so the Reference would resolve to it) → DUPLICATE_ID at parse time', () => {
    const xml = attack({ id: ASSERTION_ID });
    expectCode(() => parseXml(xml), 'DUPLICATE_ID');
  });

  it.each([
    ['Id', 'Id'],
    ['xml:id', 'xml:id'],
  ])('the evil copy repeats the ID value through %s → DUPLICATE_ID', (_name, attr) => {
    const xml = editDoc(valid, (doc) => {
      const original = assertionOf(doc, ASSERTION_ID);
      const evil = evilCopy(original);
      evil.removeAttribute('ID');
      if (attr === 'xml:id') evil.setAttributeNS(NS.xml, 'xml:id', ASSERTION_ID);
      else evil.setAttribute(attr, ASSERTION_ID);
      doc.documentElement!.insertBefore(evil, original);
    });
    expectCode(() => parseXml(xml), 'DUPLICATE_ID');
  });

  it('a lower-case id="…" on the evil copy is not an ID: the Reference still resolves to the original → REFERENCE_INVALID', () => {
    const xml = editDoc(valid, (doc) => {
      const original = assertionOf(doc, ASSERTION_ID);
      const evil = evilCopy(original);
      evil.setAttribute('id', ASSERTION_ID);
      doc.documentElement!.replaceChild(evil, original);
      const wrap = wrapper(doc);
      wrap.appendChild(original);
      doc.documentElement!.appendChild(wrap);
    });
    expectCode(() => verifyDoc(xml, { id: EVIL_ID }), 'REFERENCE_INVALID');
  });

  it('with inclusive c14n, the wrapped original no longer verifies either once it moves under a new namespace context', () => {
    // Inclusive c14n renders the namespaces in scope from the ancestors, so the new xmlns:evil ends up
    // in the canonical SignedInfo (checked first → SIGNATURE_INVALID) and in the digested content.
    const signed = signDoc({ canonicalization: C14N.C14N10 });
    verifyDoc(signed);
    const xml = editDoc(signed, (doc) => {
      const original = assertionOf(doc, ASSERTION_ID);
      const wrap = doc.createElementNS('urn:attacker', 'evil:Wrapper');
      wrap.setAttributeNS(NS.xmlns, 'xmlns:evil', 'urn:attacker');
      doc.documentElement!.replaceChild(wrap, original);
      wrap.appendChild(original);
    });
    expectCode(() => verifyDoc(xml), 'SIGNATURE_INVALID');
  });
});

describe('XSW: signature moved to a different element', () => {
  it('Assertion signature moved into the Response: verifying the Response → REFERENCE_INVALID', () => {
    const xml = editDoc(valid, (doc) => {
      const assertion = assertionOf(doc, ASSERTION_ID);
      const sig = dsChild(assertion, 'Signature');
      assertion.removeChild(sig);
      const response = doc.documentElement!;
      response.insertBefore(sig, childElements(response)[1] ?? null);
    });
    expectCode(() => verifyDoc(xml, { id: RESPONSE_ID }), 'REFERENCE_INVALID');
    // …and the Assertion that lost it is unsigned.
    expectCode(() => verifyDoc(xml, { id: ASSERTION_ID }), 'SIGNATURE_MISSING');
  });

  it('Response signature copied into an unsigned evil Assertion: verifying the Assertion → REFERENCE_INVALID', () => {
    const xml = editDoc(validResponse, (doc) => {
      const response = doc.documentElement!;
      const sig = dsChild(response, 'Signature').cloneNode(true) as Element;
      const assertion = assertionOf(doc, ASSERTION_ID);
      assertion.insertBefore(sig, assertion.firstChild);
    });
    // (The Response itself now fails its digest: its content changed.)
    expectCode(() => verifyDoc(xml, { id: ASSERTION_ID }), 'REFERENCE_INVALID');
    expectCode(() => verifyDoc(xml, { id: RESPONSE_ID }), 'DIGEST_MISMATCH');
  });

  it('a signed sibling element with its signature moved to another sibling → REFERENCE_INVALID', () => {
    const base = `<root xmlns="urn:t"><item ID="_one">one</item><item ID="_two">two</item></root>`;
    const xml = editDoc(signDoc({ xml: base, id: '_one' }), (doc) => {
      const one = byId(doc, '_one');
      const two = byId(doc, '_two');
      const sig = dsChild(one, 'Signature');
      one.removeChild(sig);
      two.appendChild(sig);
    });
    expectCode(() => verifyDoc(xml, { id: '_two' }), 'REFERENCE_INVALID');
    expectCode(() => verifyDoc(xml, { id: '_one' }), 'SIGNATURE_MISSING');
  });

  it('a Reference to an ID that exists nowhere (after the attacker re-IDs the signed element) → REFERENCE_INVALID', () => {
    // The signature stays where it is, but the carrying element's ID changes: the signed Reference
    // now resolves to nothing. (Content changed too, but the reference check comes first.)
    const xml = editDoc(valid, (doc) => assertionOf(doc, ASSERTION_ID).setAttribute('ID', EVIL_ID));
    expectCode(() => verifyDoc(xml, { id: EVIL_ID }), 'REFERENCE_INVALID');
  });

  it('the Signature nested deeper than a direct child (e.g. in the Subject) → SIGNATURE_MISSING', () => {
    const xml = editDoc(valid, (doc) => {
      const assertion = assertionOf(doc, ASSERTION_ID);
      const sig = dsChild(assertion, 'Signature');
      assertion.removeChild(sig);
      firstDescendant(assertion, NS.saml, 'Subject').appendChild(sig);
    });
    expectCode(() => verifyDoc(xml), 'SIGNATURE_MISSING');
  });
});

describe('XSW: signed Response, attacker adds or swaps Assertions', () => {
  it('an extra evil Assertion appended to a signed Response → DIGEST_MISMATCH', () => {
    const xml = editDoc(validResponse, (doc) => {
      const evil = evilCopy(assertionOf(doc, ASSERTION_ID), { keepSignature: false });
      doc.documentElement!.appendChild(evil);
    });
    expectCode(() => verifyDoc(xml, { id: RESPONSE_ID }), 'DIGEST_MISMATCH');
  });

  it('the signed Response wrapped inside an evil Response (signature left on the original) → REFERENCE_INVALID on the outer one', () => {
    // Outer evil Response copies the inner one's Signature; the signed original sits inside it.
    const xml = editDoc(validResponse, (doc) => {
      const original = doc.documentElement!;
      const outer = original.cloneNode(false) as Element;
      outer.setAttribute('ID', EVIL_ID);
      outer.appendChild(dsChild(original, 'Signature').cloneNode(true));
      const evilAssertion = evilCopy(assertionOf(doc, ASSERTION_ID), { id: '_evilassertion', keepSignature: false });
      outer.appendChild(evilAssertion);
      const ext = wrapper(doc);
      ext.appendChild(original.cloneNode(true));
      outer.appendChild(ext);
      doc.replaceChild(outer, original);
    });
    // The copy of the original keeps ID=RESPONSE_ID and ASSERTION_ID once each: the document parses.
    expectCode(() => verifyDoc(xml, { id: EVIL_ID }), 'REFERENCE_INVALID');
    expect(verifyDoc(xml, { id: RESPONSE_ID }).element.parentNode?.localName).toBe('Extensions');
  });

  it('an attacker who recomputes the digest over the evil content still cannot sign it → SIGNATURE_INVALID', () => {
    const xml = editDoc(valid, (doc) => {
      const parts = sigParts(doc);
      setText(firstDescendant(parts.target, NS.saml, 'NameID'), 'admin@example.com');
      redigest(parts);
    });
    expectCode(() => verifyDoc(xml), 'SIGNATURE_INVALID');
  });
});

describe('XSW: the verifier returns exactly the element it was given', () => {
  it('verifying the Assertion found by document order after a wrap returns the signed original, never another node', () => {
    const xml = editDoc(valid, (doc) => {
      const original = assertionOf(doc, ASSERTION_ID);
      const evil = evilCopy(original, { keepSignature: false });
      doc.documentElement!.insertBefore(evil, original);
    });
    const parsed = parseXml(xml);
    const assertions = parsed.document.getElementsByTagNameNS(NS.saml, 'Assertion');
    expect(assertions.length).toBe(2);
    const first = assertions.item(0)!;
    const second = assertions.item(1)!;
    expectCode(() => verifySignedElement(first, trusted('rsa2048')), 'SIGNATURE_MISSING');
    const result = verifySignedElement(second, trusted('rsa2048'));
    expect(result.element).toBe(second);
    expect(nameIdOf(result.element)).toBe('alice@example.com');
  });

  it('buildResponse sanity: the unsigned Response has no Signature → SIGNATURE_MISSING', () => {
    expectCode(() => verifyDoc(buildResponse(), { id: RESPONSE_ID }), 'SIGNATURE_MISSING');
    expectCode(() => verifyDoc(buildResponse()), 'SIGNATURE_MISSING');
  });
});
