// Rules whose refusal shares its code with a later check: each test pins the rule's own message, so
// removing the rule (and leaving the later check to refuse, or not) fails here.
import { describe, expect, it } from 'vitest';
import { buildResponse } from '../../fixtures/saml.js';
import { edit, expectCode, resign, signDoc, verifyDoc } from './helpers.js';

const valid = signDoc();

describe('Algorithm attributes', () => {
  it.each([
    ['SignatureMethod', (p: Parameters<Parameters<typeof edit>[1]>[0]) => p.signatureMethod],
    ['DigestMethod', (p: Parameters<Parameters<typeof edit>[1]>[0]) => p.digestMethod],
    ['CanonicalizationMethod', (p: Parameters<Parameters<typeof edit>[1]>[0]) => p.c14nMethod],
  ])('%s with Algorithm="" or none → SIGNATURE_SHAPE_INVALID, "has no Algorithm attribute"', (_name, pick) => {
    for (const change of [(el: ReturnType<typeof pick>) => el.setAttribute('Algorithm', ''), (el: ReturnType<typeof pick>) => el.removeAttribute('Algorithm')]) {
      const xml = edit(valid, (p) => change(pick(p)));
      expect(expectCode(() => verifyDoc(xml), 'SIGNATURE_SHAPE_INVALID').message).toContain('has no Algorithm attribute');
    }
  });

  it('an unknown CanonicalizationMethod is refused by the allow-list itself', () => {
    const xml = edit(valid, (p) => p.c14nMethod.setAttribute('Algorithm', 'http://www.w3.org/2001/10/xml-exc-c14n#bogus'));
    expect(expectCode(() => verifyDoc(xml), 'ALGORITHM_NOT_ALLOWED').message).toContain('Canonicalization "http://www.w3.org/2001/10/xml-exc-c14n#bogus" is not allowed');
  });
});

describe('InclusiveNamespaces PrefixList', () => {
  it('any run of whitespace separates prefixes, leading and trailing included', () => {
    const withList = signDoc({ inclusivePrefixes: ['xs', 'xsi'] });
    const spaced = edit(withList, (p) => {
      const list = [...Array.from(p.transforms.getElementsByTagNameNS('http://www.w3.org/2001/10/xml-exc-c14n#', 'InclusiveNamespaces'))][0]!;
      expect(list.getAttribute('PrefixList')).toBe('xs xsi');
      list.setAttribute('PrefixList', ' \txs \n\r  xsi  ');
      resign(p);
    });
    expect(verifyDoc(spaced).element.localName).toBe('Assertion');
  });
});

describe('Reference URI forms', () => {
  it.each(['x#_a0b1c2d3e4f5061728394a5b6c7d8e9f', '#_a0b1c2d3e4f5061728394a5b6c7d8e9f#', "#_a0b1'"])('URI %j → REFERENCE_INVALID naming the allowed form', (uri) => {
    const xml = edit(valid, (p) => {
      p.reference.setAttribute('URI', uri);
      resign(p);
    });
    expect(expectCode(() => verifyDoc(xml), 'REFERENCE_INVALID').message).toContain('is not allowed; it must be');
  });

  it('"#xpointer…" is refused even when an element has that very ID', () => {
    const id = 'xpointerA1';
    const xml = signDoc({ xml: buildResponse({ assertionId: id }), id });
    expect(expectCode(() => verifyDoc(xml, { id }), 'REFERENCE_INVALID').message).toContain('is not allowed; it must be');
  });
});

describe('an empty Reference', () => {
  it('has no enveloped transform → TRANSFORM_NOT_ALLOWED (never a TypeError)', () => {
    const xml = edit(valid, (p) => {
      while (p.reference.firstChild) p.reference.removeChild(p.reference.firstChild);
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'TRANSFORM_NOT_ALLOWED');
  });
});
