// What a person receives, turned into XML text: XML as text or bytes, or its base64 (the HTTP-POST
// binding's SAMLResponse value). Each rule of src/xml/input.ts, with the input that shows it.
import { describe, expect, it } from 'vitest';
import { SamlGuardError } from '../../src/errors.js';
import { decodeSamlInput, parseSamlPostBody } from '../../src/xml/input.js';
import { codeOf as code } from '../helpers/outcome.js';

const XML = '<r>x</r>';
const b64 = (s: string | Uint8Array) => Buffer.from(s).toString('base64');
const bytes = (...parts: Array<string | number[]>) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p)] : p)));
const text = (out: string | Uint8Array) => (typeof out === 'string' ? out : Buffer.from(out).toString('utf8'));

describe('decodeSamlInput: strings', () => {
  it('XML text passes through, also after leading whitespace or a BOM', () => {
    for (const s of [XML, ` \n\t\r${XML}`, `\ufeff${XML}`]) expect(decodeSamlInput(s, 1024)).toBe(s);
  });
  it('base64 (with line breaks and spaces) decodes to the XML bytes', () => {
    const b = b64(XML);
    for (const s of [b, `${b.slice(0, 4)}\r\n${b.slice(4)}`, ` ${b} `, `\t${b}\n`]) expect(text(decodeSamlInput(s, 1024))).toBe(XML);
  });
  it('base64 of XML that starts with a BOM or whitespace is still XML', () => {
    expect(text(decodeSamlInput(b64(bytes([0xef, 0xbb, 0xbf], XML)), 1024))).toBe(`\ufeff${XML}`);
    expect(text(decodeSamlInput(b64(` \n\r\t${XML}`), 1024))).toBe(` \n\r\t${XML}`);
  });
  it('base64 of anything but XML, or of nothing, is INPUT_MALFORMED', () => {
    expect(code(() => decodeSamlInput(b64('hello'), 1024))).toBe('INPUT_MALFORMED');
    expect(code(() => decodeSamlInput(b64(bytes([0xef, 0xbb, 0x00], XML)), 1024))).toBe('INPUT_MALFORMED');
    expect(code(() => decodeSamlInput(' \r\n ', 1024))).toBe('INPUT_MALFORMED');
    expect(code(() => decodeSamlInput('', 1024))).toBe('INPUT_MALFORMED');
    expect(code(() => decodeSamlInput('not base64!', 1024))).toBe('INPUT_MALFORMED');
    expect(code(() => decodeSamlInput(42 as never, 1024))).toBe('INPUT_MALFORMED');
  });
  it('a URL-encoded form value says so', () => {
    const err = (() => {
      try {
        decodeSamlInput('PHI%2Bx%3C%2Fr%3E', 1024);
      } catch (e) {
        return e as SamlGuardError;
      }
    })()!;
    expect(err.code).toBe('INPUT_MALFORMED');
    expect(err.message).toContain('URL-encoded');
    expect(() => decodeSamlInput('%zz', 1024)).toThrow(expect.not.objectContaining({ message: expect.stringContaining('URL-encoded') }));
  });
  it('the size limit holds before decoding (base64 text) and after it (decoded bytes)', () => {
    const max = 3_000;
    // Longer than the base64 of max bytes plus 4 KB of line breaks: refused without decoding.
    const long = 'A'.repeat(Math.ceil((max * 4) / 3) + 4097);
    expect(code(() => decodeSamlInput(long, max))).toBe('XML_LIMIT_EXCEEDED');
    try {
      decodeSamlInput(long, max);
    } catch (err) {
      expect((err as SamlGuardError).details).toEqual({ limit: 'maxBytes', max });
    }
    expect(code(() => decodeSamlInput(new TextEncoder().encode(long), max))).toBe('XML_LIMIT_EXCEEDED');
    // Exactly at the pre-decoding bound: decoded, then measured.
    const atBound = `${b64(`<r>${'a'.repeat(max - 7)}</r>`)}${'\n'.repeat(Math.ceil((max * 4) / 3) + 4096 - b64(`<r>${'a'.repeat(max - 7)}</r>`).length)}`;
    expect(text(decodeSamlInput(atBound, max)).length).toBe(max);
    expect(text(decodeSamlInput(new TextEncoder().encode(atBound), max)).length).toBe(max);
    // One byte too many once decoded.
    expect(code(() => decodeSamlInput(b64(`<r>${'a'.repeat(max - 6)}</r>`), max))).toBe('XML_LIMIT_EXCEEDED');
    expect(text(decodeSamlInput(b64(`<r>${'a'.repeat(max - 7)}</r>`), max)).length).toBe(max);
  });
});

describe('decodeSamlInput: bytes', () => {
  it('XML bytes pass through: after whitespace, a UTF-8 BOM, or a UTF-16 mark (refused later by the parser)', () => {
    for (const b of [bytes(XML), bytes(' \n\r\t', XML), bytes([0xef, 0xbb, 0xbf], XML), bytes([0xef, 0xbb, 0xbf], ' ', XML), bytes([0xfe, 0xff], XML), bytes([0xff, 0xfe], XML)]) {
      expect(decodeSamlInput(b, 1024)).toBe(b);
    }
  });
  it('anything else is ASCII base64', () => {
    expect(text(decodeSamlInput(bytes(b64(XML)), 1024))).toBe(XML);
    expect(text(decodeSamlInput(bytes(' \n', b64(XML)), 1024))).toBe(XML);
    // A BOM-like start that is not a whole BOM is not XML: read as base64, and refused as such.
    expect(code(() => decodeSamlInput(bytes([0xef, 0xbb], XML), 1024))).toBe('INPUT_MALFORMED');
    expect(code(() => decodeSamlInput(bytes([0xef], ' ', XML), 1024))).toBe('INPUT_MALFORMED');
    // Only the three BOM bytes together are skipped.
    for (const lead of [[0xef, 0xbb, 0x20], [0xef, 0x20, 0xbf], [0x20, 0x20, 0xbf], [0x41, 0xbb, 0xbf]]) {
      expect(code(() => decodeSamlInput(bytes(lead, XML), 1024)), JSON.stringify(lead)).toBe('INPUT_MALFORMED');
      expect(code(() => decodeSamlInput(b64(bytes(lead, XML)), 1024)), `base64 of ${JSON.stringify(lead)}`).toBe('INPUT_MALFORMED');
    }
  });
});

describe('parseSamlPostBody', () => {
  it('reads SAMLResponse and RelayState from a form body, as text or bytes', () => {
    expect(parseSamlPostBody('SAMLResponse=abc%2B&RelayState=%2Fhome')).toEqual({ SAMLResponse: 'abc+', RelayState: '/home' });
    expect(parseSamlPostBody(new TextEncoder().encode(' SAMLResponse=abc\n'))).toEqual({ SAMLResponse: 'abc' });
  });
  it('refuses a missing or repeated SAMLResponse and a repeated RelayState', () => {
    for (const body of ['RelayState=x', 'SAMLResponse=a&SAMLResponse=b', 'SAMLResponse=a&RelayState=x&RelayState=y', new Uint8Array([0xff])]) {
      expect(code(() => parseSamlPostBody(body as never))).toBe('INPUT_MALFORMED');
    }
  });
});
