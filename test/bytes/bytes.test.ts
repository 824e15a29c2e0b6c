// Strict base64 is a security rule (a lenient decoder lets two different inputs mean the same bytes, and
// skips junk): base64Decode accepts exactly the canonical encodings, with Buffer (Node) and without it
// (edge runtimes, atob), and decodes them exactly.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import * as withBuffer from '../../src/bytes/index.js';

const canonical = (s: string) => Buffer.from(s, 'base64').toString('base64') === s;
const alphabet = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n\t.!*%é\u0000'.split(''));
const candidate = fc.oneof(
  fc.array(alphabet, { maxLength: 24 }).map((a) => a.join('')),
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('base64')),
  // A canonical encoding with four characters outside the alphabet put in (the length stays a multiple of 4).
  fc.tuple(fc.uint8Array({ maxLength: 40 }), fc.array(fc.tuple(fc.nat(60), fc.constantFrom('.', '!', ' ', '\n', '=', '-', '_', 'é', '%')), { minLength: 4, maxLength: 4 })).map(([b, ins]) => {
    let s = Buffer.from(b).toString('base64');
    for (const [at, c] of ins) s = s.slice(0, at % (s.length + 1)) + c + s.slice(at % (s.length + 1));
    return s;
  }),
  // A canonical encoding with its last data character changed: the stray-bits rule in isolation.
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(63)).map(([b, k]) => {
    const s = Buffer.from(b).toString('base64');
    const i = s.replace(/=+$/, '').length - 1;
    return s.slice(0, i) + 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'[k] + s.slice(i + 1);
  }),
);

async function withoutBuffer(): Promise<typeof withBuffer> {
  vi.resetModules();
  vi.stubGlobal('Buffer', undefined);
  try {
    return await import('../../src/bytes/index.js');
  } finally {
    vi.unstubAllGlobals();
  }
}

describe('base64Decode accepts exactly the canonical encodings', () => {
  it.each([
    ['', true],
    ['AA==', true],
    ['AB==', false],
    ['AAA=', true],
    ['AAB=', false],
    ['AAAA', true],
    ['A===', false],
    ['AA=A', false],
    ['AA', false],
    ['AA==\n', false],
    ['A-_A', false],
  ])('%j → %s', async (text, ok) => {
    for (const lib of [withBuffer, await withoutBuffer()]) expect(lib.base64Decode(text) !== undefined, JSON.stringify(text)).toBe(ok);
  });

  it('agrees with "decodes and re-encodes to itself" on any input, with and without Buffer', async () => {
    const web = await withoutBuffer();
    fc.assert(
      fc.property(candidate, (s) => {
        for (const lib of [withBuffer, web]) {
          const out = lib.base64Decode(s);
          expect(out !== undefined, JSON.stringify(s)).toBe(canonical(s));
          if (out !== undefined) expect(Buffer.from(out)).toEqual(Buffer.from(s, 'base64'));
        }
      }),
      { numRuns: 5000 },
    );
  });
});

describe('the canonical tail, one character class at a time', () => {
  it.each([
    ['AQ==', true], ['AR==', false], ['Ag==', true], ['Ah==', false], ['Aw==', true], ['A0==', false], ['A+==', false], ['A/==', false],
    ['AAQ=', true], ['AAR=', false], ['AAw=', true], ['AAx=', false], ['AA0=', true], ['AA1=', false], ['AA8=', true], ['AA+=', false], ['AA/=', false],
    ['AAa=', false], ['AAE=', true], ['Aa==', false],
  ])('%s → %s', async (text, ok) => {
    for (const lib of [withBuffer, await withoutBuffer()]) expect(lib.base64Decode(text) !== undefined, text).toBe(ok);
  });
});

describe('the other encodings', () => {
  it('utf8Decode replaces invalid UTF-8 unless fatal, where it answers undefined', () => {
    const bad = new Uint8Array([0x61, 0xff, 0x62]);
    expect(withBuffer.utf8Decode(bad)).toBe('a\uFFFDb');
    expect(withBuffer.utf8Decode(bad, true)).toBeUndefined();
    expect(withBuffer.utf8Decode(new Uint8Array([0xc3, 0xa9]), true)).toBe('é');
  });
  it('hexEncode pads every byte to two digits; bytesEqual compares length and every byte', () => {
    expect(withBuffer.hexEncode(new Uint8Array([0, 15, 16, 255]))).toBe('000f10ff');
    expect(withBuffer.bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(withBuffer.bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(withBuffer.bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3]))).toBe(false);
  });
});
