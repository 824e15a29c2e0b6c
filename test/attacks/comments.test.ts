/**
 * Comments: never allowed inside the signature's own structure; allowed in signed content, where they
 * are not digested — which is why claim readers must concatenate every text node (textOf), never read
 * just the first one (the 2018 "NameID comment truncation" family of bugs).
 */
import { describe, expect, it } from 'vitest';
import type { Element, Text } from '@xmldom/xmldom';
import { C14N, type C14nAlgorithm } from '../../src/c14n/index.js';
import { textOf } from '../../src/xml/dom.js';
import { buildResponse } from '../../fixtures/saml.js';
import { dsChild, edit, expectCode, firstDescendant, NS, resign, signDoc, verifyDoc, type SigParts } from '../dsig/helpers.js';

const SIGNED_NAME = 'admin@example.com.evil.test';
const TRUNCATED = 'admin@example.com';

/** Split NameID's text after `TRUNCATED` and put `<!---->` (or a CDATA section) in between. */
function splitNameId(xml: string, how: 'comment' | 'cdata' = 'comment'): string {
  return edit(xml, (p) => {
    const nameId = firstDescendant(p.target, NS.saml, 'NameID');
    const text = nameId.firstChild as Text;
    expect(text.data).toBe(SIGNED_NAME);
    text.data = TRUNCATED;
    if (how === 'comment') {
      nameId.appendChild(p.doc.createComment(''));
      nameId.appendChild(p.doc.createTextNode(SIGNED_NAME.slice(TRUNCATED.length)));
    } else {
      nameId.appendChild(p.doc.createCDATASection(SIGNED_NAME.slice(TRUNCATED.length)));
    }
  });
}

const nameIdOf = (el: Element) => firstDescendant(el, NS.saml, 'NameID');

describe('comments in signed content are not digested', () => {
  const signedFor = (canonicalization: C14nAlgorithm) => signDoc({ xml: buildResponse({ nameId: SIGNED_NAME }), canonicalization });

  it.each([
    ['exclusive', C14N.EXC],
    ['inclusive 1.0', C14N.C14N10],
    ['inclusive 1.1', C14N.C14N11],
  ])('%s c14n: a comment injected into NameID still verifies; textOf reads the whole value', (_name, alg) => {
    const valid = signedFor(alg);
    expect(textOf(nameIdOf(verifyDoc(valid).element))).toBe(SIGNED_NAME);

    const injected = splitNameId(valid);
    expect(injected).toContain(`${TRUNCATED}<!---->.evil.test`);
    const result = verifyDoc(injected);
    const nameId = nameIdOf(result.element);
    // A reader taking only the first text node would see the attacker's chosen truncation…
    expect((nameId.firstChild as Text).data).toBe(TRUNCATED);
    // …the value that was signed is the concatenation of all text nodes.
    expect(textOf(nameId)).toBe(SIGNED_NAME);
  });

  it('a CDATA section re-encoding part of the text verifies too (same canonical text)', () => {
    const result = verifyDoc(splitNameId(signedFor(C14N.EXC), 'cdata'));
    expect(textOf(nameIdOf(result.element))).toBe(SIGNED_NAME);
  });

  it('comments added between signed elements, before and after the Signature, verify (exclusive c14n)', () => {
    const xml = edit(signedFor(C14N.EXC), (p) => {
      p.target.insertBefore(p.doc.createComment(' before '), p.signature);
      p.target.insertBefore(p.doc.createComment(' after '), p.signature.nextSibling);
      p.target.appendChild(p.doc.createComment(' end '));
    });
    verifyDoc(xml);
  });

  // Regression: for a same-document Reference URI="#id", XML-DSig (core §4.4.3.3) removes comment nodes
  // before the transforms run, so a #WithComments c14n transform has no comments left to render.
  // fixtures/signer.ts and xml-crypto follow that; the verifier once digested the comments and
  // rejected such documents with DIGEST_MISMATCH.
  it.each([
    ['exclusive with comments', C14N.EXC_WITH_COMMENTS],
    ['inclusive 1.0 with comments', C14N.C14N10_WITH_COMMENTS],
    ['inclusive 1.1 with comments', C14N.C14N11_WITH_COMMENTS],
  ])('%s: a document signed with a comment in its content verifies, and so does one with a comment injected', (_name, alg) => {
    const xml = signDoc({ xml: buildResponse({ nameId: SIGNED_NAME }).replace('<saml:Subject>', '<saml:Subject><!-- c -->'), canonicalization: alg });
    verifyDoc(xml);
    const result = verifyDoc(splitNameId(signedFor(alg)));
    expect(textOf(nameIdOf(result.element))).toBe(SIGNED_NAME);
  });
});

describe('comments inside the signature structure → SIGNATURE_SHAPE_INVALID', () => {
  const valid = signDoc();

  it('baseline: verifies', () => {
    verifyDoc(valid);
  });

  const cases: Array<[string, (p: SigParts) => Element, 'first' | 'last' | 'middle', boolean]> = [
    // [name, container, where, re-sign (when the container is inside SignedInfo)]
    ['DigestValue (splitting the base64)', (p) => p.digestValue, 'middle', true],
    ['DigestValue (after the value)', (p) => p.digestValue, 'last', true],
    ['SignatureValue (splitting the base64)', (p) => p.signatureValue, 'middle', false],
    ['SignatureValue (before the value)', (p) => p.signatureValue, 'first', false],
    ['SignedInfo (between children)', (p) => p.signedInfo, 'first', true],
    ['SignedInfo (last child)', (p) => p.signedInfo, 'last', true],
    ['CanonicalizationMethod', (p) => p.c14nMethod, 'first', true],
    ['SignatureMethod', (p) => p.signatureMethod, 'first', true],
    ['Reference', (p) => p.reference, 'first', true],
    ['Transforms', (p) => p.transforms, 'first', true],
    ['Transform (enveloped-signature)', (p) => dsChild(p.transforms, 'Transform'), 'first', true],
    ['DigestMethod', (p) => p.digestMethod, 'first', true],
    ['Signature (between children)', (p) => p.signature, 'middle', false],
    ['X509Certificate (splitting the base64)', (p) => dsChild(dsChild(p.keyInfo!, 'X509Data'), 'X509Certificate'), 'middle', false],
  ];

  it.each(cases)('comment in %s', (_name, container, where, sign) => {
    const xml = edit(valid, (p) => {
      const el = container(p);
      const comment = p.doc.createComment(' injected ');
      if (where === 'first') el.insertBefore(comment, el.firstChild);
      else if (where === 'last') el.appendChild(comment);
      else if (el.firstChild !== null && el.firstChild.nodeType === 3) {
        const text = el.firstChild as Text;
        const half = Math.floor(text.data.length / 2);
        el.insertBefore(p.doc.createTextNode(text.data.slice(half)), text.nextSibling);
        text.data = text.data.slice(0, half);
        el.insertBefore(comment, text.nextSibling);
      } else {
        el.insertBefore(comment, el.childNodes.item(1));
      }
      if (sign) resign(p);
    });
    expect(xml).toContain('<!-- injected -->');
    expectCode(() => verifyDoc(xml), 'SIGNATURE_SHAPE_INVALID');
  });

  it('the split values alone (no comment) are fine: DigestValue/SignatureValue split into two text nodes verify', () => {
    const xml = edit(valid, (p) => {
      for (const el of [p.digestValue, p.signatureValue]) {
        const text = el.firstChild as Text;
        el.appendChild(p.doc.createTextNode(text.data.slice(10)));
        text.data = text.data.slice(0, 10);
      }
    });
    verifyDoc(xml);
  });
});
