// Short-lived access tokens: what is issued, that an independent library (jose alone) verifies it against
// jwks(), and every refusal of the verifier with its code.
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { ISSUED_AT, signedResponse, VALID_NOW } from '../../fixtures/saml.js';
import { createMemoryRevocationStore, createTokenIssuer, createTokenVerifier, SamlGuardError, verifyAssertion, type TokenIssuerOptions, type VerifiedAssertion } from '../../src/index.js';
import { opts } from '../saml/helpers.js';

const ISS = 'https://api.samlguard.test';
const AUD = 'https://api.samlguard.test/api';
const EC = loadKeyPair('ec-p256');
const RSA = loadKeyPair('rsa2048');
const ED = generateKeyPairSync('ed25519');
const NOW = VALID_NOW.getTime(); // ISSUED_AT + 60 s; the fixture assertion expires at ISSUED_AT + 300 s

const identity = async (spec: Parameters<typeof signedResponse>[0] = {}): Promise<VerifiedAssertion> => verifyAssertion(signedResponse({ attributes: { groups: ['eng', 'admins'], mail: ['alice@example.com'] }, ...spec }), opts());
const issuerWith = (extra: Partial<TokenIssuerOptions> = {}) => createTokenIssuer({ issuer: ISS, audience: AUD, keys: [{ kid: 'ec-1', privateKey: EC.privateKeyPem, alg: 'ES256' }], now: NOW, ...extra });

async function rejects(p: Promise<unknown>, code: string): Promise<SamlGuardError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${code}`).toBeInstanceOf(SamlGuardError);
  expect((err as SamlGuardError).code, (err as Error).message).toBe(code);
  return err as SamlGuardError;
}

describe('createTokenIssuer', () => {
  it('issues a compact JWS with the documented claims; jose alone verifies it against jwks()', async () => {
    const issuer = issuerWith({ claims: { email: 'mail' } });
    const id = await identity();
    const { token, claims, expiresAt } = await issuer.issue(id, { roles: ['developer', 'admin', 'developer'] });
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(issuer.jwks() as never), { issuer: ISS, audience: AUD, currentDate: VALID_NOW, algorithms: ['ES256'] });
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: 'ec-1', typ: 'at+jwt' });
    expect(payload).toEqual(claims);
    expect(claims).toMatchObject({
      iss: ISS,
      aud: AUD,
      sub: 'alice@example.com',
      iat: Math.floor(NOW / 1000),
      nbf: Math.floor(NOW / 1000),
      sid: '_session-1',
      idp: 'https://idp.samlguard.test/metadata',
      auth_time: Math.floor(ISSUED_AT / 1000),
      roles: ['admin', 'developer'],
      groups: expect.arrayContaining(['eng', 'admins', 'engineering']),
      email: 'alice@example.com',
      nameid_format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    });
    expect(claims.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(expiresAt.getTime()).toBe(claims.exp * 1000);
  });

  it('exp = min(now + maxTtlSeconds, the assertion expiry, SessionNotOnOrAfter, AWS SessionDuration): never longer than the IdP allowed', async () => {
    const id = await identity({ lifetimeSeconds: 3600, sessionNotOnOrAfter: ISSUED_AT + 1800_000 });
    const s = (t: number) => Math.floor(t / 1000);
    expect((await issuerWith({ maxTtlSeconds: 600 }).issue(id, { roles: ['a'] })).claims.exp).toBe(s(NOW + 600_000));
    expect((await issuerWith({ maxTtlSeconds: 7200 }).issue(id, { roles: ['a'] })).claims.exp).toBe(s(ISSUED_AT + 1800_000));
    const short = await identity(); // the assertion itself ends at ISSUED_AT + 300 s
    expect((await issuerWith({ maxTtlSeconds: 7200 }).issue(short, { roles: ['a'] })).claims.exp).toBe(s(ISSUED_AT + 300_000));
    const aws = await identity({ lifetimeSeconds: 7200, sessionNotOnOrAfter: null, attributes: { 'https://aws.amazon.com/SAML/Attributes/SessionDuration': ['900'] } });
    expect((await issuerWith({ maxTtlSeconds: 7200 }).issue(aws, { roles: ['a'] })).claims.exp).toBe(s(NOW + 900_000));
  });

  it('refuses to issue for an identity that has already expired', async () => {
    const id = await identity();
    await rejects(issuerWith({ now: ISSUED_AT + 400_000 }).issue(id, { roles: ['a'] }), 'EXPIRED');
  });

  it('jwks() lists every key, public only, with kid, alg and use "sig"; the first key signs', async () => {
    const issuer = issuerWith({ keys: [{ kid: 'ed-1', privateKey: ED.privateKey, alg: 'EdDSA' }, { kid: 'rsa-1', privateKey: RSA.privateKeyPem, alg: 'RS256' }, { kid: 'ec-1', privateKey: EC.privateKeyPem, alg: 'ES256' }] });
    const { keys } = issuer.jwks();
    expect(keys.map((k) => [k.kid, k.alg, k.use, k.kty])).toEqual([['ed-1', 'EdDSA', 'sig', 'OKP'], ['rsa-1', 'RS256', 'sig', 'RSA'], ['ec-1', 'ES256', 'sig', 'EC']]);
    for (const k of keys) expect(k).not.toHaveProperty('d');
    const { token } = await issuer.issue(await identity(), { roles: ['a'] });
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'EdDSA', kid: 'ed-1' });
  });

  it('refuses keys that do not fit their algorithm, HMAC, duplicate kids and reserved claim names (CONFIG_INVALID)', () => {
    const bad: Partial<TokenIssuerOptions>[] = [
      { keys: [{ kid: 'x', privateKey: RSA.privateKeyPem, alg: 'ES256' }] },
      { keys: [{ kid: 'x', privateKey: EC.privateKeyPem, alg: 'EdDSA' }] },
      { keys: [{ kid: 'x', privateKey: loadKeyPair('rsa1024').privateKeyPem, alg: 'RS256' }] },
      { keys: [{ kid: 'x', privateKey: 'secret', alg: 'HS256' as never }] },
      { keys: [{ kid: 'x', privateKey: EC.privateKeyPem, alg: 'ES256' }, { kid: 'x', privateKey: EC.privateKeyPem, alg: 'ES256' }] },
      { keys: [] },
      { claims: { sub: 'mail' } },
      { claims: { roles: 'mail' } },
    ];
    for (const b of bad) expect(() => issuerWith(b), JSON.stringify(b.claims ?? b.keys?.map((k) => k.alg))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('createTokenVerifier: refusals, each with its code', () => {
  const issuer = issuerWith({ keys: [{ kid: 'ec-1', privateKey: EC.privateKeyPem, alg: 'ES256' }, { kid: 'rsa-1', privateKey: RSA.privateKeyPem, alg: 'RS256' }] });
  const verifier = (extra: Record<string, unknown> = {}) => createTokenVerifier({ issuer: ISS, audience: AUD, jwks: issuer.jwks(), now: NOW, ...extra });
  const fresh = async () => (await issuer.issue(await identity(), { roles: ['developer'] })).token;
  const sign = (payload: Record<string, unknown>, header: Record<string, unknown>, key: KeyObject | string = EC.privateKeyPem) =>
    new SignJWT(payload).setProtectedHeader(header as never).sign(typeof key === 'string' ? (loadKeyPair('ec-p256').privateKey as KeyObject) : key);
  const claims = () => ({ iss: ISS, aud: AUD, sub: 'alice', iat: Math.floor(NOW / 1000), nbf: Math.floor(NOW / 1000), exp: Math.floor(NOW / 1000) + 300, jti: 'j1', idp: 'https://idp', roles: ['developer'], groups: [] });

  it('a valid token verifies: the identity, roles and expiry as issued', async () => {
    const t = await verifier().verify(await fresh());
    expect(t).toMatchObject({ kind: 'bearer', subject: { nameId: 'alice@example.com' }, roles: ['developer'], issuer: 'https://idp.samlguard.test/metadata', tokenIssuer: ISS, sessionIndex: '_session-1' });
  });

  it('expired → EXPIRED (with skew), not yet valid → NOT_YET_VALID', async () => {
    const token = await fresh();
    await verifier({ now: ISSUED_AT + 300_000 + 61_000 }).verify(token).then(
      () => expect.unreachable(),
      (e: SamlGuardError) => expect(e.code).toBe('EXPIRED'),
    );
    await verifier({ now: ISSUED_AT + 300_000 + 30_000 }).verify(token); // within the 60 s skew
    await rejects(verifier({ now: NOW - 120_000 }).verify(token), 'NOT_YET_VALID');
  });

  it('another audience → AUDIENCE_MISMATCH; another issuer → ISSUER_MISMATCH', async () => {
    const token = await fresh();
    await rejects(verifier({ audience: 'https://other.example/api' }).verify(token), 'AUDIENCE_MISMATCH');
    await rejects(verifier({ issuer: 'https://other.example' }).verify(token), 'ISSUER_MISMATCH');
  });

  it('an unknown kid → KEY_NOT_TRUSTED', async () => {
    await rejects(verifier().verify(await sign(claims(), { alg: 'ES256', kid: 'nope', typ: 'at+jwt' })), 'KEY_NOT_TRUSTED');
  });

  it('alg none → ALGORITHM_NOT_ALLOWED', async () => {
    const unsecured = new UnsecuredJWT(claims()).encode();
    const withKid = unsecured.replace(/^[^.]+/, Buffer.from(JSON.stringify({ alg: 'none', kid: 'ec-1', typ: 'at+jwt' })).toString('base64url')) + 'AA';
    await rejects(verifier().verify(withKid), 'ALGORITHM_NOT_ALLOWED');
  });

  it('HS256 keyed with the public key (alg confusion) → ALGORITHM_NOT_ALLOWED', async () => {
    const publicJwk = JSON.stringify(issuer.jwks().keys[1]);
    const h = Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'rsa-1', typ: 'at+jwt' })).toString('base64url');
    const p = Buffer.from(JSON.stringify(claims())).toString('base64url');
    const forged = `${h}.${p}.${createHmac('sha256', publicJwk).update(`${h}.${p}`).digest('base64url')}`;
    await rejects(verifier().verify(forged), 'ALGORITHM_NOT_ALLOWED');
  });

  it("a token claiming another algorithm than its key's → ALGORITHM_NOT_ALLOWED", async () => {
    await rejects(verifier().verify(await sign(claims(), { alg: 'ES256', kid: 'rsa-1', typ: 'at+jwt' })), 'ALGORITHM_NOT_ALLOWED');
  });

  it('a changed payload → SIGNATURE_INVALID', async () => {
    const [h, p, s] = (await fresh()).split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    payload.roles = ['admin'];
    await rejects(verifier().verify(`${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`), 'SIGNATURE_INVALID');
  });

  it('a JWT that is not an access token (typ JWT) or lacks claims → TOKEN_MALFORMED; garbage → TOKEN_MALFORMED', async () => {
    await rejects(verifier().verify(await sign(claims(), { alg: 'ES256', kid: 'ec-1', typ: 'JWT' })), 'TOKEN_MALFORMED');
    const { jti: _jti, ...noJti } = claims();
    await rejects(verifier().verify(await sign(noJti, { alg: 'ES256', kid: 'ec-1', typ: 'at+jwt' })), 'TOKEN_MALFORMED');
    // The claims samlguard itself adds are required too: a token signed by the right key but without
    // them names no IdP or grants roles nobody mapped. (The unmodified claims do verify.)
    await verifier().verify(await sign(claims(), { alg: 'ES256', kid: 'ec-1', typ: 'at+jwt' }));
    const { idp: _idp, ...noIdp } = claims();
    const { roles: _roles, ...noRoles } = claims();
    for (const bad of [noIdp, noRoles, { ...claims(), roles: 'developer' }, { ...claims(), roles: ['developer', 7] }]) {
      await rejects(verifier().verify(await sign(bad, { alg: 'ES256', kid: 'ec-1', typ: 'at+jwt' })), 'TOKEN_MALFORMED');
    }
    for (const junk of ['', 'a.b', 'a.b.c.d', 'x'.repeat(9000), '{"alg":"none"}']) await rejects(verifier().verify(junk), 'TOKEN_MALFORMED');
  });

  it('revoked (the token, its session, or its user) → REVOKED; a failing store → REVOCATION_STORE_UNAVAILABLE', async () => {
    const revocation = createMemoryRevocationStore();
    const v = verifier({ revocation });
    const token = await fresh();
    await v.verify(token);
    const { claims: c } = await v.verify(token);
    await revocation.revoke({ jti: c.jti }, new Date(Date.now() + 60_000));
    await rejects(v.verify(token), 'REVOKED');
    const other = await fresh();
    await v.verify(other);
    await revocation.revoke({ sid: '_session-1' }, new Date(Date.now() + 60_000));
    await rejects(v.verify(other), 'REVOKED');
    const broken = { revoke: async () => undefined, isRevoked: async () => { throw new Error('down'); } };
    await rejects(verifier({ revocation: broken }).verify(await fresh()), 'REVOCATION_STORE_UNAVAILABLE');
  });

  it('revocationCacheSeconds keeps a "not revoked" answer that long; 0 (the default) asks every time', async () => {
    let asked = 0;
    const store = { revoke: async () => undefined, isRevoked: async () => (asked++, false) };
    const token = await fresh();
    const cached = verifier({ revocation: store, revocationCacheSeconds: 30 });
    await cached.verify(token);
    await cached.verify(token);
    expect(asked).toBe(1);
    const uncached = verifier({ revocation: store });
    await uncached.verify(token);
    await uncached.verify(token);
    expect(asked).toBe(3);
  });

  it('refuses a JWK Set with a key lacking kid or alg, a private or symmetric key, or an HMAC alg (CONFIG_INVALID)', () => {
    const good = issuer.jwks().keys[0]!;
    const bad = [{ keys: [{ ...good, kid: undefined }] }, { keys: [{ ...good, alg: undefined }] }, { keys: [{ ...good, alg: 'HS256' }] }, { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'h', alg: 'ES256' }] }, { keys: [] }, 'not json'];
    for (const jwks of bad) expect(() => createTokenVerifier({ issuer: ISS, audience: AUD, jwks: jwks as never })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
