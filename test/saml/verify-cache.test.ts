// verifyAssertion caches verifiers by configuration. Observed through a spy on createVerifier (module
// mock of src/verifier.js, which src/verify.ts imports) — no timing assertions.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { TEST_ACS, TEST_IDP, TEST_SP, VALID_NOW } from '../../fixtures/saml.js';
import { createVerifier } from '../../src/verifier.js';
import { verifyAssertion } from '../../src/verify.js';
import type { VerifyOptions } from '../../src/types.js';
import { rejectsWith, response } from './helpers.js';

vi.mock('../../src/verifier.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/verifier.js')>();
  return { ...original, createVerifier: vi.fn(original.createVerifier) };
});

const spy = vi.mocked(createVerifier);
const RSA = loadKeyPair('rsa2048');
const NEXT = loadKeyPair('rsa2048-next');
const xml = response();

// A fresh literal each time, as a request handler would write it. The audience is unique per test so
// entries cached by earlier tests never interfere.
let n = 0;
let audience = TEST_SP;
const literal = (extra: Partial<VerifyOptions> = {}): VerifyOptions => ({
  idp: { entityId: TEST_IDP, certificates: [RSA.certificatePem] },
  audience: [audience, TEST_SP],
  recipient: TEST_ACS,
  now: VALID_NOW,
  ...extra,
});

beforeEach(() => {
  audience = `urn:cache-test:${++n}`;
  spy.mockClear();
});

describe('verifyAssertion verifier cache', () => {
  it('fresh but equal option literals reuse one verifier', async () => {
    for (let i = 0; i < 5; i++) await verifyAssertion(xml, literal());
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('per-request facts (now, inResponseTo) do not create new verifiers', async () => {
    await verifyAssertion(xml, literal());
    await verifyAssertion(xml, literal({ now: new Date(VALID_NOW.getTime() + 1000) }));
    await rejectsWith(verifyAssertion(xml, literal({ inResponseTo: '_req-1' })), 'IN_RESPONSE_TO_MISMATCH');
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('a different configuration gets its own verifier (and its own rules)', async () => {
    await verifyAssertion(xml, literal());
    await rejectsWith(verifyAssertion(xml, literal({ requireSignedAssertion: true, idp: { entityId: TEST_IDP, certificates: [NEXT.certificatePem] } })), 'KEY_NOT_TRUSTED');
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('certificate objects are compared by identity, not silently merged', async () => {
    await verifyAssertion(xml, literal({ idp: { entityId: TEST_IDP, certificates: [RSA.certificate] } }));
    await verifyAssertion(xml, literal({ idp: { entityId: TEST_IDP, certificates: [RSA.certificate] } }));
    expect(spy).toHaveBeenCalledTimes(1);
    await rejectsWith(verifyAssertion(xml, literal({ idp: { entityId: TEST_IDP, certificates: [NEXT.certificate] } })), 'KEY_NOT_TRUSTED');
    expect(spy).toHaveBeenCalledTimes(2);
  });

  // An options object mutated in place between calls (config reload, key rotation) must not be served
  // the verifier built for its old contents.
  it('a mutated options object is re-validated: removing a certificate stops trusting it', async () => {
    const options = literal();
    await verifyAssertion(xml, options);
    options.idp = { entityId: TEST_IDP, certificates: [NEXT.certificatePem] };
    await rejectsWith(verifyAssertion(xml, options), 'KEY_NOT_TRUSTED');
  });

  it('a mutated options object is re-validated: a changed audience applies', async () => {
    const options = literal();
    await verifyAssertion(xml, options);
    options.audience = 'https://someone-else.example/sp';
    await rejectsWith(verifyAssertion(xml, options), 'AUDIENCE_MISMATCH');
  });
});
