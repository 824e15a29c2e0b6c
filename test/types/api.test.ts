// Types are part of the contract: these lines must (or, with @ts-expect-error, must not) compile.
// `npm test` runs tsc over the test folder, so a regression here fails the build, not just a test.
import type { Element } from '@xmldom/xmldom';
import { describe, expectTypeOf, it } from 'vitest';
import { createVerifier, verifyAssertion, type ErrorCode, type VerifiedAssertion, type VerifyOptions } from '../../src/index.js';
import type { Verified } from '../../src/dsig/verify.js';
import { readAssertion } from '../../src/saml/assertion.js';

describe('public types', () => {
  it('verifyAssertion resolves to a VerifiedAssertion', () => {
    expectTypeOf(verifyAssertion).returns.resolves.toEqualTypeOf<VerifiedAssertion>();
    expectTypeOf(createVerifier).returns.toHaveProperty('verify');
  });

  it('audience and idp are required', () => {
    // @ts-expect-error audience is required
    const noAudience: VerifyOptions = { idp: { entityId: 'x', certificates: [] } };
    // @ts-expect-error idp is required
    const noIdp: VerifyOptions = { audience: 'x' };
    void noAudience;
    void noIdp;
  });

  it('error codes are a closed union', () => {
    const ok: ErrorCode = 'AUDIENCE_MISMATCH';
    // @ts-expect-error not a samlguard code
    const bad: ErrorCode = 'AUDIENCE_WRONG';
    void ok;
    void bad;
  });

  it('claims can only be read from a verified element', () => {
    const unverified = {} as Element;
    const policy = {} as Parameters<typeof readAssertion>[1];
    // @ts-expect-error an element that did not come out of verifySignedElement is not Verified
    const fail = () => readAssertion(unverified, policy);
    const pass = () => readAssertion(unverified as Verified<Element>, policy);
    void fail;
    void pass;
  });

  it('results hold no DOM nodes', () => {
    expectTypeOf<VerifiedAssertion['subject']['nameId']>().toEqualTypeOf<string>();
    expectTypeOf<VerifiedAssertion['attributes']>().toEqualTypeOf<Record<string, string[]>>();
  });
});
