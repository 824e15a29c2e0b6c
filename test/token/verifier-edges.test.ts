// The Bearer verifier's configuration checks, header rules and result mapping, each pinned so that
// weakening it fails a test (found by mutation testing of src/token/verifier.ts).
import { CompactSign, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { VALID_NOW } from '../../fixtures/saml.js';
import { createTokenIssuer, createTokenVerifier, type SamlGuardError } from '../../src/index.js';
import { codeOfAsync as code, codeOf as configCode } from '../helpers/outcome.js';

const ISS = 'https://api.samlguard.test';
const AUD = 'https://api.samlguard.test/api';
const EC = loadKeyPair('ec-p256');
const RSA = loadKeyPair('rsa2048');
const NOW = VALID_NOW.getTime();
const S = Math.floor(NOW / 1000);

const issuer = createTokenIssuer({ issuer: ISS, audience: AUD, keys: [{ kid: 'ec-1', privateKey: EC.privateKeyPem, alg: 'ES256' }, { kid: 'rsa-1', privateKey: RSA.privateKeyPem, alg: 'RS256' }], now: NOW });
const JWKS = issuer.jwks();
const EC_JWK = JWKS.keys.find((k) => k.kid === 'ec-1')!;
const verifier = (extra: Record<string, unknown> = {}) => createTokenVerifier({ issuer: ISS, audience: AUD, jwks: JWKS, now: NOW, ...extra });
const claims = (extra: Record<string, unknown> = {}) => ({ iss: ISS, aud: AUD, sub: 'alice', iat: S, nbf: S, exp: S + 300, jti: 'j1', idp: 'https://idp', roles: ['developer'], ...extra });
const sign = (payload: Record<string, unknown>, header: Record<string, unknown> = {}, key = EC.privateKey, alg = 'ES256') =>
  new SignJWT(payload).setProtectedHeader({ alg, kid: 'ec-1', typ: 'at+jwt', ...header } as never).sign(key as never);

describe('createTokenVerifier: configuration', () => {
  it('refuses missing options, and audiences that are empty or not strings', () => {
    expect(configCode(() => createTokenVerifier(null as never))).toBe('CONFIG_INVALID');
    expect(configCode(() => createTokenVerifier('x' as never))).toBe('CONFIG_INVALID');
    for (const audience of [[], [''], [7], ['ok', ''], undefined, 7]) {
      expect(configCode(() => createTokenVerifier({ issuer: ISS, audience: audience as never, jwks: JWKS })), JSON.stringify(audience)).toBe('CONFIG_INVALID');
    }
  });

  it('takes the JWK Set as an object or as its JSON text', async () => {
    const token = await sign(claims());
    expect(await code(verifier({ jwks: JSON.stringify(JWKS) }).verify(token))).toBe('accepted');
    expect(configCode(() => verifier({ jwks: '{"keys":' }))).toBe('CONFIG_INVALID');
  });

  it('accepts a token for any one of several audiences', async () => {
    expect(await code(verifier({ audience: ['https://other', AUD] }).verify(await sign(claims())))).toBe('accepted');
    expect(await code(verifier({ audience: ['https://other'] }).verify(await sign(claims())))).toBe('AUDIENCE_MISMATCH');
  });

  it('refuses JWK Sets that are not objects, entries that are not keys, an empty kid, an encryption key, a kid twice', () => {
    for (const jwks of [null, 7, { keys: 'x' }, { keys: [null] }, { keys: [7] }, { keys: [{ ...EC_JWK, kid: '' }] }, { keys: [{ ...EC_JWK, use: 'enc' }] }, { keys: [EC_JWK, EC_JWK] }]) {
      expect(configCode(() => verifier({ jwks })), JSON.stringify(jwks)).toBe('CONFIG_INVALID');
    }
    expect(configCode(() => verifier({ jwks: { keys: [{ ...EC_JWK, use: 'sig' }] } }))).toBe('accepted');
    // A key naming an algorithm samlguard never accepts is refused, not skipped, even beside a good one.
    expect(configCode(() => verifier({ jwks: { keys: [EC_JWK, { ...EC_JWK, kid: 'h', alg: 'HS256' }] } }))).toBe('CONFIG_INVALID');
  });

  it('algorithms: only token algorithms, and at least one key must use one of them', async () => {
    expect(configCode(() => verifier({ algorithms: ['HS256'] }))).toBe('CONFIG_INVALID');
    expect(configCode(() => verifier({ algorithms: ['ES256'], jwks: { keys: [JWKS.keys.find((k) => k.kid === 'rsa-1')] } }))).toBe('CONFIG_INVALID');
    // A key whose algorithm is not allowed is left out: its tokens are refused.
    const onlyEc = verifier({ algorithms: ['ES256'] });
    expect(await code(onlyEc.verify(await sign(claims())))).toBe('accepted');
    expect(await code(onlyEc.verify(await sign(claims(), { kid: 'rsa-1' }, RSA.privateKey, 'RS256')))).toBe('ALGORITHM_NOT_ALLOWED');
  });

  it('a revocation store must have both isRevoked and revoke', () => {
    expect(configCode(() => verifier({ revocation: { isRevoked: async () => false } }))).toBe('CONFIG_INVALID');
    expect(configCode(() => verifier({ revocation: { revoke: async () => undefined } }))).toBe('CONFIG_INVALID');
    expect(configCode(() => verifier({ revocation: { revoke: async () => undefined, isRevoked: async () => false } }))).toBe('accepted');
  });
});

describe('createTokenVerifier: the token', () => {
  it('is a string of at most 8192 characters', async () => {
    expect(await code(verifier().verify(42 as never))).toBe('TOKEN_MALFORMED');
    expect(await code(verifier().verify(undefined as never))).toBe('TOKEN_MALFORMED');
    const err = await verifier()
      .verify(`${'a'.repeat(8190)}.b.c`)
      .catch((e: SamlGuardError) => e);
    expect((err as SamlGuardError).message).toContain('8192');
  });

  it('typ at+jwt or application/at+jwt, in any case; nothing else', async () => {
    for (const typ of ['at+jwt', 'AT+JWT', 'application/at+jwt', 'Application/AT+JWT']) expect(await code(verifier().verify(await sign(claims(), { typ }))), typ).toBe('accepted');
    for (const typ of [undefined, 'JWT', 'at+jwt2', 'application/jwt']) expect(await code(verifier().verify(await sign(claims(), { typ }))), String(typ)).toBe('TOKEN_MALFORMED');
  });

  it('a header without kid → TOKEN_MALFORMED', async () => {
    expect(await code(verifier().verify(await sign(claims(), { kid: undefined })))).toBe('TOKEN_MALFORMED');
  });

  it('exp is required; an iat in the future is not valid yet', async () => {
    const { exp: _exp, ...noExp } = claims();
    expect(await code(verifier().verify(await sign(noExp)))).toBe('TOKEN_MALFORMED');
    const { nbf: _nbf, ...noNbf } = claims({ iat: S + 600 });
    expect(await code(verifier().verify(await sign(noNbf)))).toBe('NOT_YET_VALID');
    // Within the skew (60 s by default) it is accepted, to the second.
    expect(await code(verifier().verify(await sign(claims({ iat: S + 60, nbf: S }))))).toBe('accepted');
    expect(await code(verifier().verify(await sign(claims({ iat: S + 61, nbf: S }))))).toBe('NOT_YET_VALID');
  });

  it('a header or payload that is not JSON → TOKEN_MALFORMED', async () => {
    expect(await code(verifier().verify('YQ.YQ.YQ'))).toBe('TOKEN_MALFORMED');
    const notJson = await new CompactSign(new TextEncoder().encode('not json')).setProtectedHeader({ alg: 'ES256', kid: 'ec-1', typ: 'at+jwt' }).sign(EC.privateKey as never);
    expect(await code(verifier().verify(notJson))).toBe('TOKEN_MALFORMED');
  });

  it('each of jti, sub, idp must be a string and iat a number', async () => {
    for (const bad of [{ jti: 7 }, { sub: 7 }, { idp: 7 }, { iat: 'x' }, { nbf: 'x' }, { exp: 'x' }]) expect(await code(verifier().verify(await sign(claims(bad)))), JSON.stringify(bad)).toBe('TOKEN_MALFORMED');
  });
});

describe('createTokenVerifier: the result', () => {
  it('maps groups (strings only), NameID format, session, authentication instant and the instants', async () => {
    const t = await verifier().verify(await sign(claims({ groups: ['eng', 7, 'ops'], nameid_format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress', sid: 's-1', auth_time: S - 30 })));
    expect(t.groups).toEqual(['eng', 'ops']);
    expect(t.attributes).toEqual({ groups: ['eng', 'ops'] });
    expect(t.subject).toEqual({ nameId: 'alice', format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' });
    expect(t.sessionIndex).toBe('s-1');
    expect(t.authnInstant).toEqual(new Date((S - 30) * 1000));
    expect(t.issuedAt).toEqual(new Date(S * 1000));
    expect(t.expiresAt).toEqual(new Date((S + 300) * 1000));
    expect(t.claims.jti).toBe('j1');
  });

  it('leaves out what the token does not carry', async () => {
    const t = await verifier().verify(await sign(claims({ groups: 'eng', sid: 7, auth_time: 'x' })));
    expect(t.groups).toEqual([]);
    expect(t.subject).toEqual({ nameId: 'alice' });
    expect('format' in t.subject).toBe(false);
    expect('sessionIndex' in t).toBe(false);
    expect('authnInstant' in t).toBe(false);
  });
});

describe('createTokenVerifier: the "not revoked" cache', () => {
  it('holds an answer for revocationCacheSeconds exactly, then asks again', async () => {
    let asked = 0;
    const store = { revoke: async () => undefined, isRevoked: async () => (asked++, false) };
    const v = verifier({ revocation: store, revocationCacheSeconds: 30 });
    const token = await sign(claims());
    await v.verify(token, { now: NOW });
    await v.verify(token, { now: NOW + 29_999 });
    expect(asked).toBe(1);
    await v.verify(token, { now: NOW + 30_000 });
    expect(asked).toBe(2);
  });
});
