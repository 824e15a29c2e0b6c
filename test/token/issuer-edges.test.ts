// createTokenIssuer and issue() rule by rule: every option shape is checked at creation (CONFIG_INVALID,
// never a TypeError), an identity or roles of the wrong shape is refused, the token never outlives the
// identity's own limits (checked on a hand-built identity, so no earlier step can be what caps it), the
// second boundary of "too soon to issue", and claims that are absent stay absent.
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { createTokenIssuer, type TokenIssuerOptions, type VerifiedAssertion } from '../../src/index.js';
import { codeOf, codeOfAsync } from '../helpers/outcome.js';

const EC = loadKeyPair('ec-p256');
const NOW = Date.parse('2026-03-01T10:00:00.000Z');
const KEY = { kid: 'ec-1', privateKey: EC.privateKeyPem, alg: 'ES256' as const };
const base: TokenIssuerOptions = { issuer: 'https://api.example', audience: 'https://api.example/api', keys: [KEY], now: NOW };
const issuerWith = (extra: Record<string, unknown> = {}) => createTokenIssuer({ ...base, ...extra } as TokenIssuerOptions);

/** A hand-built identity: only what issue() reads. */
function identity(extra: Partial<VerifiedAssertion> = {}, attributes: Record<string, string[]> = {}): VerifiedAssertion {
  return {
    id: '_a1',
    issuer: 'https://idp.example',
    issueInstant: new Date(NOW - 1000),
    subject: { nameId: 'alice@example.com' },
    attributes,
    attributeDetails: [],
    audience: 'https://sp.example',
    expiresAt: new Date(NOW + 3600_000),
    oneTimeUse: false,
    signature: { covered: 'assertion', algorithm: 'x', digest: 'y', certificateFingerprint: 'z' },
    ...extra,
  } as VerifiedAssertion;
}

describe('createTokenIssuer options', () => {
  it.each<[string, unknown]>([
    ['options null', null],
    ['options a string', 'x'],
    ['maxTtlSeconds 0', { ...base, maxTtlSeconds: 0 }],
    ['a null key entry', { ...base, keys: [null] }],
    ['a string key entry', { ...base, keys: ['pem'] }],
    ['a numeric kid', { ...base, keys: [{ ...KEY, kid: 42 }] }],
    ['an empty kid', { ...base, keys: [{ ...KEY, kid: '' }] }],
    ['a kid with a space', { ...base, keys: [{ ...KEY, kid: 'a b' }] }],
    ['a kid of 129 characters', { ...base, keys: [{ ...KEY, kid: 'k'.repeat(129) }] }],
    ['alg HS256', { ...base, keys: [{ ...KEY, alg: 'HS256' }] }],
    ['alg none', { ...base, keys: [{ ...KEY, alg: 'none' }] }],
    // With an RSA key, only the algorithm allow-list can refuse these (the key itself would do for RS256).
    ['alg HS256 with an RSA key', { ...base, keys: [{ kid: 'r', privateKey: loadKeyPair('rsa2048').privateKeyPem, alg: 'HS256' }] }],
    ['alg RS512 with an RSA key', { ...base, keys: [{ kid: 'r', privateKey: loadKeyPair('rsa2048').privateKeyPem, alg: 'RS512' }] }],
    ['alg none with an RSA key', { ...base, keys: [{ kid: 'r', privateKey: loadKeyPair('rsa2048').privateKeyPem, alg: 'none' }] }],
    ['a claim naming no attribute', { ...base, claims: { email: '' } }],
    ['a claim naming a number', { ...base, claims: { email: 42 } }],
  ])('%s → CONFIG_INVALID', (_name, options) => {
    expect(codeOf(() => createTokenIssuer(options as TokenIssuerOptions))).toBe('CONFIG_INVALID');
  });

  it('maxTtlSeconds 1 and a kid of 128 printable characters are accepted', async () => {
    const issuer = issuerWith({ maxTtlSeconds: 1, keys: [{ ...KEY, kid: '!'.repeat(64) + '~'.repeat(64) }] });
    const { claims } = await issuer.issue(identity(), { roles: [] });
    expect(claims.exp - claims.iat).toBe(1);
  });
});

describe('issue()', () => {
  const issuer = issuerWith();

  it.each<[string, unknown]>([
    ['null', null],
    ['a string', 'alice'],
    ['no subject', { ...identity(), subject: undefined }],
    ['a subject without a nameId', { ...identity(), subject: {} }],
  ])('an identity that is %s → CONFIG_INVALID', async (_name, id) => {
    expect(await codeOfAsync(Promise.resolve().then(() => issuer.issue(id as VerifiedAssertion, { roles: [] })))).toBe('CONFIG_INVALID');
  });

  it.each<[string, unknown]>([
    ['missing options', undefined],
    ['missing roles', {}],
    ['roles as a string', { roles: 'admin' }],
    ['a non-string role', { roles: ['admin', 1] }],
    ['only non-string roles', { roles: [1] }],
  ])('%s → CONFIG_INVALID', async (_name, o) => {
    expect(await codeOfAsync(Promise.resolve().then(() => issuer.issue(identity(), o as { roles: string[] })))).toBe('CONFIG_INVALID');
  });

  it('a per-call now is the issue time', async () => {
    const { claims } = await issuer.issue(identity(), { roles: [], now: new Date(NOW + 60_000) });
    expect(claims.iat).toBe(Math.floor((NOW + 60_000) / 1000));
  });

  it('never outlives the IdP session, even when the identity itself would allow more', async () => {
    const id = identity({ sessionNotOnOrAfter: new Date(NOW + 120_000) });
    expect((await issuer.issue(id, { roles: [] })).claims.exp).toBe(Math.floor((NOW + 120_000) / 1000));
  });

  it('refuses (EXPIRED) when the expiry falls within the issue second; one second more is enough', async () => {
    expect(await codeOfAsync(issuer.issue(identity({ expiresAt: new Date(NOW + 999) }), { roles: [] }))).toBe('EXPIRED');
    const { claims } = await issuer.issue(identity({ expiresAt: new Date(NOW + 1000) }), { roles: [] });
    expect(claims.exp - claims.iat).toBe(1);
  });

  it('claims the identity does not carry are absent, not undefined', async () => {
    const { claims } = await issuerWith({ claims: { email: 'mail', team: 'team' } }).issue(identity({}, { team: [] }), { roles: [] });
    for (const k of ['sid', 'auth_time', 'nameid_format', 'email', 'team']) expect(k in claims, k).toBe(false);
    expect(claims.groups).toEqual([]);
  });

  it('one attribute value makes a string claim, several an array', async () => {
    const { claims } = await issuerWith({ claims: { email: 'mail', teams: 'team' } }).issue(identity({}, { mail: ['a@example.com'], team: ['x', 'y'] }), { roles: [] });
    expect(claims['email']).toBe('a@example.com');
    expect(claims['teams']).toEqual(['x', 'y']);
  });

  it('groups come only from the group attributes that are present', async () => {
    const { claims } = await issuerWith({ groupAttributes: ['memberOf', 'absent'] }).issue(identity({}, { memberOf: ['g1', 'g2', 'g1'] }), { roles: [] });
    expect(claims.groups).toEqual(['g1', 'g2']);
  });

  it('jti is always 22 base64url characters', async () => {
    for (let i = 0; i < 64; i++) expect((await issuer.issue(identity(), { roles: [] })).claims.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
