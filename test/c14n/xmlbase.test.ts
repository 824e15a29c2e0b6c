// xml:base fix-up (Canonical XML 1.1 §2.4): RFC 3986 §5.4's resolution examples, with the fragment
// dropped as join-URI-References does, and the C14N 1.1 changes for relative bases.
import { describe, expect, it } from 'vitest';
import { fixupXmlBase, joinUriReferences, removeDotSegments } from '../../src/c14n/xmlbase.js';

const BASE = 'http://a/b/c/d;p?q';

describe('joinUriReferences against RFC 3986 §5.4 (base http://a/b/c/d;p?q)', () => {
  it.each([
    ['g:h', 'g:h'],
    ['g', 'http://a/b/c/g'],
    ['./g', 'http://a/b/c/g'],
    ['g/', 'http://a/b/c/g/'],
    ['/g', 'http://a/g'],
    ['//g', 'http://g'],
    ['?y', 'http://a/b/c/d;p?y'],
    ['g?y', 'http://a/b/c/g?y'],
    ['#s', 'http://a/b/c/d;p?q'],
    ['g#s', 'http://a/b/c/g'],
    ['g?y#s', 'http://a/b/c/g?y'],
    [';x', 'http://a/b/c/;x'],
    ['g;x', 'http://a/b/c/g;x'],
    ['g;x?y#s', 'http://a/b/c/g;x?y'],
    ['', 'http://a/b/c/d;p?q'],
    ['.', 'http://a/b/c/'],
    ['./', 'http://a/b/c/'],
    ['..', 'http://a/b/'],
    ['../', 'http://a/b/'],
    ['../g', 'http://a/b/g'],
    ['../..', 'http://a/'],
    ['../../', 'http://a/'],
    ['../../g', 'http://a/g'],
    ['../../../g', 'http://a/g'],
    ['../../../../g', 'http://a/g'],
    ['/./g', 'http://a/g'],
    ['/../g', 'http://a/g'],
    ['g.', 'http://a/b/c/g.'],
    ['.g', 'http://a/b/c/.g'],
    ['g..', 'http://a/b/c/g..'],
    ['..g', 'http://a/b/c/..g'],
    ['./../g', 'http://a/b/g'],
    ['./g/.', 'http://a/b/c/g/'],
    ['g/./h', 'http://a/b/c/g/h'],
    ['g/../h', 'http://a/b/c/h'],
    ['g;x=1/./y', 'http://a/b/c/g;x=1/y'],
    ['g;x=1/../y', 'http://a/b/c/y'],
    ['g?y/./x', 'http://a/b/c/g?y/./x'],
    ['g?y/../x', 'http://a/b/c/g?y/../x'],
    ['g#s/./x', 'http://a/b/c/g'],
    ['g#s/../x', 'http://a/b/c/g'],
    ['http:g', 'http:g'],
  ])('%j → %j', (ref, expected) => {
    expect(joinUriReferences(BASE, ref)).toBe(expected);
  });
});

describe('the C14N 1.1 changes', () => {
  it('relative bases stay relative, and leading ".." segments of a relative path are kept', () => {
    expect(joinUriReferences('a/b/', '../c')).toBe('a/c');
    expect(joinUriReferences('../a/', '../../b')).toBe('../../b');
    expect(joinUriReferences('a/b', 'c')).toBe('a/c');
    expect(joinUriReferences('a', 'c')).toBe('c');
  });
  it('a base path ending in ".." is read as ending in "../"', () => {
    expect(joinUriReferences('x/y/..', 'z')).toBe('x/z');
    expect(joinUriReferences('..', 'z')).toBe('../z');
  });
  it('a base with an authority and an empty path merges under "/"', () => {
    expect(joinUriReferences('http://a', 'g')).toBe('http://a/g');
    expect(joinUriReferences('http://a?q', '?y')).toBe('http://a?y');
  });
  it('removeDotSegments: runs of "/" collapse, a trailing "." or ".." leaves a trailing "/"', () => {
    expect(removeDotSegments('a//b///c')).toBe('a/b/c');
    expect(removeDotSegments('/a/b/..')).toBe('/a/');
    expect(removeDotSegments('/a/b/.')).toBe('/a/b/');
    expect(removeDotSegments('a/b/')).toBe('a/b/');
    expect(removeDotSegments('..')).toBe('../');
    expect(removeDotSegments('../..')).toBe('../../');
    expect(removeDotSegments('/..')).toBe('/');
    expect(removeDotSegments('')).toBe('');
    expect(removeDotSegments('/')).toBe('/');
    expect(removeDotSegments('a')).toBe('a');
    expect(removeDotSegments('a/..')).toBe('');
  });
  it('a base whose path has one "/" (right after the authority) keeps it; authorities of any length', () => {
    expect(joinUriReferences('http://a/b', 'g')).toBe('http://a/g');
    expect(joinUriReferences('http://idp.example.com/b/c', 'g')).toBe('http://idp.example.com/b/g');
    expect(joinUriReferences('http://idp.example.com', 'g')).toBe('http://idp.example.com/g');
  });
  it('fixupXmlBase joins the omitted ancestors outermost first, then the element\'s own', () => {
    expect(fixupXmlBase(['http://a/b/', 'c/', 'd/'], undefined)).toBe('http://a/b/c/d/');
    expect(fixupXmlBase(['http://a/b/', 'c/'], '../e')).toBe('http://a/b/e');
    expect(fixupXmlBase([], 'x')).toBe('x');
    expect(fixupXmlBase([], undefined)).toBe('');
  });
});
