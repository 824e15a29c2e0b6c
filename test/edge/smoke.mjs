// The edge smoke suite: plain JavaScript with no runtime API beyond the Web platform, so the very same
// file runs in workerd, Deno, Bun and Node. It receives the package (as the runtime's conditional
// exports resolved it) and fixtures made on Node, and returns one verdict per check.

/** @param {{ core: any, fetch: any }} lib  @param {any} fx */
export async function runSmoke(lib, fx) {
  const { core, fetch: fetchMod } = lib;
  const now = new Date(fx.now);
  const results = [];
  async function check(name, fn) {
    try {
      const detail = await fn();
      results.push({ name, ok: true, detail });
    } catch (err) {
      results.push({ name, ok: false, detail: `${err && err.code ? err.code + ': ' : ''}${err && err.message ? err.message : String(err)}` });
    }
  }
  const codeOf = async (promise) => {
    try {
      await promise;
      return 'accepted';
    } catch (err) {
      if (!(err instanceof core.SamlGuardError)) throw new Error(`not a SamlGuardError: ${err}`);
      return err.code;
    }
  };
  const expectEqual = (actual, expected, what) => {
    if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    return actual;
  };
  const options = (extra = {}) => ({ idp: { entityId: fx.idp, certificates: [fx.rsaCert, fx.ecCert] }, audience: fx.audience, recipient: fx.recipient, now, ...extra });
  const verifier = core.createVerifier(options());

  await check('build', () => {
    // verifySync needs node:crypto: the web build refuses it by code, the Node build answers.
    try {
      verifier.verifySync(fx.rsaSigned);
      return 'node';
    } catch (err) {
      expectEqual(err.code, 'RUNTIME_UNSUPPORTED', 'verifySync on the web build');
      return 'web';
    }
  });
  await check('verify RSA-SHA256 response', async () => {
    const r = await verifier.verify(fx.rsaSigned);
    expectEqual(r.subject.nameId, fx.nameId, 'nameId');
    return expectEqual(r.signature.certificateFingerprint, fx.rsaFingerprint, 'certificate fingerprint');
  });
  await check('verify ECDSA P-256 response (base64, as posted)', async () => {
    const r = await verifier.verify(fx.ecSignedBase64);
    return expectEqual(r.subject.nameId, fx.nameId, 'nameId');
  });
  await check('refuse a tampered response', async () => expectEqual(await codeOf(verifier.verify(fx.tampered)), 'DIGEST_MISMATCH', 'code'));
  await check('refuse a response signed by another key', async () => expectEqual(await codeOf(verifier.verify(fx.foreignSigned)), 'KEY_NOT_TRUSTED', 'code'));
  await check('decrypt an EncryptedAssertion (AES-256-GCM, RSA-OAEP)', async () => {
    const v = core.createVerifier(options({ sp: { decryptionKeys: [fx.spKey] } }));
    return expectEqual((await v.verify(fx.encryptedGcm)).subject.nameId, fx.nameId, 'nameId');
  });
  await check('decrypt an EncryptedAssertion (AES-128-CBC, RSA-OAEP SHA-256)', async () => {
    const v = core.createVerifier(options({ sp: { decryptionKeys: [fx.spKey] } }));
    return expectEqual((await v.verify(fx.encryptedCbc)).subject.nameId, fx.nameId, 'nameId');
  });

  const tokens = core.createTokenVerifier({ issuer: fx.tokenIssuer, audience: fx.tokenAudience, jwks: fx.jwks, now });
  await check('verify a Bearer token', async () => expectEqual((await tokens.verify(fx.token)).subject.nameId, fx.nameId, 'sub'));
  await check('refuse a tampered Bearer token', async () => {
    const [h, p, s] = fx.token.split('.');
    const forged = `${h}.${p}.${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
    const code = await codeOf(tokens.verify(forged));
    if (code === 'accepted') throw new Error('a tampered token was accepted');
    return code;
  });

  const guard = fetchMod.createRequestGuard({ verifier, tokens, roles: fx.rules, routes: fx.routes, now });
  const call = (method, path, headers = {}) => guard(new Request(`https://api.example.com${path}`, { method, headers }));
  await check('request guard: Bearer allowed', async () => {
    const r = await call('GET', '/orders/1', { authorization: `Bearer ${fx.token}` });
    expectEqual(r.allowed, true, 'allowed');
    return r.roles.join(',');
  });
  await check('request guard: SAML credential allowed', async () => {
    const r = await call('GET', '/orders/1', { authorization: `SAML ${fx.ecSignedBase64}` });
    expectEqual(r.allowed, true, 'allowed');
    return r.identity.subject.nameId;
  });
  await check('request guard: no credential is 401', async () => {
    const r = await call('GET', '/orders/1');
    expectEqual(r.allowed, false, 'allowed');
    expectEqual(r.response.status, 401, 'status');
    return (await r.response.json()).error;
  });
  await check('request guard: route not permitted is 403', async () => {
    const r = await call('DELETE', '/orders/1', { authorization: `Bearer ${fx.token}` });
    expectEqual(r.response.status, 403, 'status');
    return (await r.response.json()).error;
  });
  return results;
}
