// The parser lane decodes references itself, after the lexical scan has checked them. These tests call
// its reference readers directly, and the lane without the scan in front, so that its own checks (the
// second line of defence) are pinned too.
import { describe, expect, it } from 'vitest';
import { codeOf } from '../helpers/outcome.js';
import { charReferenceValue, parseLane, predefinedEntity, type LaneHooks } from '../../src/xml/lane.js';

const hooks: LaneHooks = {
  element() {},
  perTag: 1_000,
  tooManyAttributes(): never {
    throw new Error('not expected');
  },
};

const at = (ref: string) => [`x${ref}y`, 1, ref.length] as const; // the text, the '&' offset, the ';' offset

describe('predefinedEntity', () => {
  it.each([
    ['&lt;', '<'],
    ['&gt;', '>'],
    ['&amp;', '&'],
    ['&quot;', '"'],
    ['&apos;', "'"],
  ])('%s → %s', (ref, text) => {
    const [s, a, semi] = at(ref);
    expect(predefinedEntity(s, a, semi)).toBe(text);
  });
  it.each(['&lg;', '&gg;', '&lx;', '&Lt;', '&am;', '&ampx;', '&amq;', '&quo;', '&quox;', '&apox;', '&aposx;', '&;', '&l;', '&nbsp;'])('%s is not one of the five', (ref) => {
    const [s, a, semi] = at(ref);
    expect(predefinedEntity(s, a, semi)).toBeUndefined();
  });
});

describe('charReferenceValue', () => {
  it.each([
    ['&#x41;', 0x41],
    ['&#65;', 65],
    ['&#xfFfD;', 0xfffd],
    ['&#x10FFFF;', 0x10ffff],
    ['&#0;', 0],
    ['&#1114111;', 1114111],
    ['&#x09;', 9],
  ])('%s → %d', (ref, cp) => {
    const [s, a, semi] = at(ref);
    expect(charReferenceValue(s, a, semi)).toBe(cp);
  });
  it.each(['&#x;', '&#;', '&#x4G;', '&#6a;', '&#x-1;', '&#-1;', '&#/;', '&#:;', '&#x@;', '&#x`;'])('%s is not a number', (ref) => {
    const [s, a, semi] = at(ref);
    expect(charReferenceValue(s, a, semi)).toBeNaN();
  });
});

describe('the lane refuses a bad reference even without the lexical scan', () => {
  it.each([
    ['<r>&#x110000;</r>', 'beyond Unicode'],
    ['<r>&#x;</r>', 'no digits'],
    ['<r>&nbsp;</r>', 'unknown entity'],
    ['<r>&amp</r>', 'no semicolon'],
    ['<r>&amp</r><!--;-->', "a ';' only after the text"],
    ['<r a="&#xZ;"/>', 'in an attribute'],
    ['<r a="&bogus;"/>', 'unknown entity in an attribute'],
    ['<r a="&amp"/>', 'no semicolon in an attribute'],
  ])('%s (%s)', (xml) => {
    expect(codeOf(() => parseLane(xml, 0, hooks))).toBe('XML_MALFORMED');
  });
  it('decodes what the lexical scan lets through, in text and attributes', () => {
    const doc = parseLane('<r a="&lt;&#x41;&#66;\tc&#10;">&gt;&amp;&quot;&apos;&#x1F600;x</r>', 0, hooks);
    expect(doc.documentElement!.getAttribute('a')).toBe('<AB c\n');
    expect(doc.documentElement!.textContent).toBe('>&"\'\u{1F600}x');
  });
});

describe('the lane refuses markup the lexical scan refuses first, on its own too', () => {
  it.each([
    ['<r><!-- x</r>', 'XML_MALFORMED'],
    ['<r><![CDATA[ x</r>', 'XML_MALFORMED'],
    ['<r><!DOCTYPE x></r>', 'XML_FORBIDDEN_CONSTRUCT'],
    ['<r><!ENTITY x "y"></r>', 'XML_FORBIDDEN_CONSTRUCT'],
    ['<r><?pi x?></r>', 'XML_FORBIDDEN_CONSTRUCT'],
  ])('%s → %s', (xml, code) => {
    expect(codeOf(() => parseLane(xml, 0, hooks))).toBe(code);
  });
});
