// In-process checks of the CLI's pure parts: the code → check mapping, output safety, colour, input unwrapping.
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, SamlGuardError } from '../../src/index.js';
import { suggest } from '../../src/cli/args.js';
import { NOT_MESSAGE_CODES, stepOf, statuses } from '../../src/cli/checks.js';
import { toSamlInput } from '../../src/cli/input.js';
import { colorEnabled, jsonStringify, makeStyle, safe } from '../../src/cli/text.js';
import { signedResponse } from '../../fixtures/saml.js';
import { runInProcess } from './helpers.js';

describe('which check a library error belongs to', () => {
  it('every error code the library can raise for a message is placed on a named check', () => {
    // A failure here means the library gained a code: place it in stepOf (src/cli/checks.ts).
    for (const code of Object.keys(ERROR_CODES)) {
      if (NOT_MESSAGE_CODES.has(code)) continue;
      expect(stepOf({ code, path: 'Response/Assertion', message: '' }), code).not.toBe('other');
    }
    expect(stepOf({ code: 'SOMETHING_NEW', path: 'Response', message: '' })).toBe('other');
  });

  it('codes shared by several checks are told apart by the element path', () => {
    const at = (code: string, path: string, message = '') => stepOf({ code, path, message });
    expect(at('EXPIRED', 'Response/Assertion/Conditions')).toBe('time');
    expect(at('EXPIRED', 'Response/Assertion/Subject/SubjectConfirmation/SubjectConfirmationData')).toBe('subject-confirmation');
    expect(at('NOT_YET_VALID', 'Response/Assertion')).toBe('issue-instant');
    expect(at('ISSUER_MISMATCH', 'Response/Issuer')).toBe('response-issuer');
    expect(at('ISSUER_MISMATCH', 'Response/Assertion/Issuer')).toBe('assertion-issuer');
    expect(at('ISSUER_MISMATCH', 'Assertion/Issuer')).toBe('assertion-issuer');
    expect(at('IN_RESPONSE_TO_MISMATCH', 'Response')).toBe('in-response-to');
    expect(at('SAML_SHAPE_INVALID', 'Response', 'Response Version is "1.1"; only "2.0" is accepted.')).toBe('response');
    expect(at('SAML_SHAPE_INVALID', 'Response', '<Response> has 2 <Issuer> children; exactly one is allowed.')).toBe('response-issuer');
    expect(at('SAML_SHAPE_INVALID', 'Response', '<Response> has no <Status> child.')).toBe('status');
    expect(at('SAML_SHAPE_INVALID', 'Response/Assertion', '<Assertion> has no ID attribute.')).toBe('issue-instant');
    expect(at('SAML_SHAPE_INVALID', 'Response/Assertion/Conditions', 'Conditions may contain at most one OneTimeUse')).toBe('conditions');
    expect(at('SAML_SHAPE_INVALID', 'Response/Assertion/AuthnStatement', 'AuthnInstant "x" is not a valid xs:dateTime')).toBe('session');
    expect(at('SAML_SHAPE_INVALID', 'Foo', 'The root element is <Foo>')).toBe('response');
  });

  it('checks before the failing one passed, it failed, the rest did not run', () => {
    const map = statuses('audience', (id) => id === 'in-response-to');
    expect(map.get('signature')).toBe('pass');
    expect(map.get('in-response-to')).toBe('skip');
    expect(map.get('audience')).toBe('fail');
    expect(map.get('subject-confirmation')).toBe('not-run');
  });
});

describe('output safety', () => {
  it('escapes control, bidi and zero-width characters and bounds length, saying how much was cut', () => {
    expect(safe('a\u001b[2Jb\u202ec\u200bd\n')).toBe('a\\u{001b}[2Jb\\u{202e}c\\u{200b}d\\u{000a}');
    expect(safe('x'.repeat(250))).toBe(`${'x'.repeat(200)}… (+50 chars)`);
    expect(jsonStringify({ v: 'a\u202eb\u0085' })).toBe('{\n  "v": "a\\u202eb\\u0085"\n}');
  });

  it('colour only on a TTY, never with NO_COLOR or TERM=dumb', () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({}, {})).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colorEnabled({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(makeStyle(true).bad('x')).toBe('\u001b[31mx\u001b[39m');
    expect(makeStyle(false).bad('x')).toBe('x');
  });
});

describe('input unwrapping (transport encoding only; the library judges the rest)', () => {
  const xml = signedResponse();
  const b64 = Buffer.from(xml).toString('base64');

  it('XML, base64, a form body, a URL-encoded value', () => {
    expect(toSamlInput(Buffer.from(`\ufeff  ${xml}`))).toMatchObject({ format: 'xml' });
    expect(toSamlInput(Buffer.from(`${b64}\n`))).toEqual({ value: b64, format: 'base64' });
    expect(toSamlInput(Buffer.from(`RelayState=a%20b&SAMLResponse=${encodeURIComponent(b64)}\n`))).toEqual({ value: b64, format: 'form', relayState: 'a b' });
    expect(toSamlInput(Buffer.from(encodeURIComponent(b64)))).toEqual({ value: b64, format: 'url-encoded' });
    // Form encoding proper: '+' is a space, a base64 '+' travels as %2B.
    const value = `${b64.slice(0, 40)}+${b64.slice(40, 80)} ${b64.slice(80)}`;
    const formEncoded = new URLSearchParams({ v: value }).toString().slice(2);
    expect(formEncoded).toMatch(/%2B.*\+/);
    expect(toSamlInput(Buffer.from(formEncoded)).value).toBe(value);
  });

  it('a form body without SAMLResponse, or with a SAMLRequest, is the library\'s INPUT_MALFORMED', () => {
    expect(() => toSamlInput(Buffer.from('SAMLResponse=a&SAMLResponse=b'))).toThrow(SamlGuardError);
    expect(() => toSamlInput(Buffer.from('SAMLRequest=abc&RelayState=x'))).toThrow(/SAMLRequest/);
  });

  it('suggests the flag or command that was meant', () => {
    expect(suggest('audiance', ['audience', 'recipient'])).toBe('audience');
    expect(suggest('xyz', ['audience', 'recipient'])).toBeUndefined();
  });
});

describe('run() in-process', () => {
  it('verify: --json on an unreadable input is one JSON object with exit 2', async () => {
    const r = await runInProcess(['verify', 'missing.xml', '--cert', 'x.pem', '--entity-id', 'e', '--audience', 'a', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ accepted: false, code: 'IO', checks: [], identity: null });
  });
});
