// compileRelayStatePolicy and checkRelayState unit by unit: every shape of the allow-list option, every
// part of an origin, and the RelayState forms that look like paths but are not (checked on the parsed URL).
import { describe, expect, it } from 'vitest';
import { checkRelayState, compileRelayStatePolicy, MAX_RELAY_STATE_BYTES } from '../../src/sp/relay-state.js';
import { codeOf } from '../helpers/outcome.js';

const policy = compileRelayStatePolicy({ allowedOrigins: ['https://app.example.com', 'http://localhost:3000/'] }, 'test');
const check = (value: unknown, p = policy) => codeOf(() => checkRelayState(value as string, p));

describe('compileRelayStatePolicy', () => {
  it.each([undefined, null, {}, { allowedOrigins: null }, { allowedOrigins: undefined }, { allowedOrigins: [] }])('%j allows no absolute URL', (value) => {
    const p = compileRelayStatePolicy(value, 'test');
    expect(p.allowedOrigins.size).toBe(0);
    expect(check('/ok', p)).toBe('accepted');
    expect(check('https://app.example.com/', p)).toBe('RELAY_STATE_INVALID');
  });

  it.each<[string, unknown]>([
    ['a string', 'https://app.example.com'],
    ['an array', ['https://app.example.com']],
    ['a number', 42],
    ['allowedOrigins as a string', { allowedOrigins: 'https://app.example.com' }],
    ['a non-string entry', { allowedOrigins: [42] }],
    ['a relative entry', { allowedOrigins: ['/app'] }],
    ['an entry with a path', { allowedOrigins: ['https://app.example.com/path'] }],
    ['an entry with a query', { allowedOrigins: ['https://app.example.com?x'] }],
    ['an ftp entry', { allowedOrigins: ['ftp://app.example.com'] }],
    ['a javascript: entry', { allowedOrigins: ['javascript:alert(1)'] }],
    ['an entry with a user', { allowedOrigins: ['https://u@app.example.com'] }],
    ['an entry with a password', { allowedOrigins: ['https://:p@app.example.com'] }],
  ])('%s → CONFIG_INVALID naming where', (_name, value) => {
    let message = '';
    try {
      compileRelayStatePolicy(value, 'createServiceProvider');
    } catch (err) {
      message = `${(err as { code: string }).code} ${(err as Error).message}`;
    }
    expect(message).toMatch(/^CONFIG_INVALID createServiceProvider: relayState/);
  });

  it('allowedOrigins that is not an array is refused as such', () => {
    expect(() => compileRelayStatePolicy({ allowedOrigins: 'https://app.example.com' }, 'test')).toThrow(/must be an array/);
  });

  it('an entry must be written as a browser serializes the origin: one trailing slash is tolerated, a default port is not', () => {
    const p = compileRelayStatePolicy({ allowedOrigins: ['https://app.example.com', 'http://localhost:3000/'] }, 'test');
    expect([...p.allowedOrigins]).toEqual(['https://app.example.com', 'http://localhost:3000']);
    expect(() => compileRelayStatePolicy({ allowedOrigins: ['https://app.example.com:443'] }, 'test')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('checkRelayState', () => {
  it('no RelayState: undefined, null and "" are all "none"', () => {
    for (const v of [undefined, null, '']) expect(checkRelayState(v, policy)).toBeUndefined();
  });

  it('a non-string → RELAY_STATE_INVALID', () => {
    for (const v of [42, {}, ['/x']]) expect(check(v)).toBe('RELAY_STATE_INVALID');
  });

  it('paths and allow-listed absolute URLs are returned unchanged', () => {
    for (const v of ['/', '/dashboard', '/a/b?c=d#e', 'https://app.example.com/x?y', 'http://localhost:3000/cb']) expect(checkRelayState(v, policy)).toBe(v);
  });

  it('at most 80 UTF-8 bytes', () => {
    expect(MAX_RELAY_STATE_BYTES).toBe(80);
    expect(check('/' + 'a'.repeat(79))).toBe('accepted');
    expect(check('/' + 'a'.repeat(80))).toBe('RELAY_STATE_INVALID');
  });

  it.each([
    ['a scheme-relative URL', '//evil.example/'],
    ['a scheme-relative URL naming the probe base itself', '//relay-state.samlguard.invalid/x'],
    ['a triple slash', '///evil.example/'],
    ['a backslash', '/\\evil.example'],
    ['DEL', '/x\u007f'],
    ['NUL', '/x\u0000'],
    ['a control character', '/x\u001f'],
    ['a foreign origin', 'https://evil.example/'],
    ['an allowed host on http', 'http://app.example.com/'],
    ['an allowed host on another port', 'https://app.example.com:8443/'],
    ['a user in the URL', 'https://user@app.example.com/'],
    ['a password in the URL', 'https://:secret@app.example.com/'],
    ['a data: URL', 'data:text/html,<script>1</script>'],
    ['a ws: URL on an allowed host', 'ws://localhost:3000/'],
    ['a bare word', 'dashboard'],
  ])('refuses %s', (_name, value) => {
    expect(check(value)).toBe('RELAY_STATE_INVALID');
  });
});
