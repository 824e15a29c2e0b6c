// createVerifier's steps, each alone: settings (options → validated settings, trust resolved), the
// pipeline (a task: parse, signatures, rules, claims) and acceptance (cache, replay, stores).
import { describe, expect, it } from 'vitest';
import { signedResponse, testVerifyOptions, VALID_NOW } from '../../fixtures/saml.js';
import { runSync } from '../../src/crypto/index.js';
import type { VerifyOptions } from '../../src/index.js';
import { createAcceptance } from '../../src/verifier/acceptance.js';
import { runPipeline } from '../../src/verifier/pipeline.js';
import { readSettings } from '../../src/verifier/settings.js';

const options = (extra: Record<string, unknown> = {}) => testVerifyOptions(extra) as VerifyOptions;

describe('settings', () => {
  it('reads and freezes every option once, with the trust resolved', () => {
    const s = readSettings(options({ clockSkewSeconds: 30 }));
    expect(s.skewMs).toBe(30_000);
    expect(s.trust.peek().keys).toHaveLength(1);
    expect(s.trust.current(VALID_NOW.getTime()).entityId).toBe('https://idp.samlguard.test/metadata');
    expect(Object.isFrozen(s)).toBe(true);
  });
  it('refuses a bad option by name', () => {
    expect(() => readSettings(options({ clockSkewSeconds: 7200 }))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('clockSkewSeconds') }));
    expect(() => readSettings({ ...options(), idp: { entityId: 'x' } } as VerifyOptions)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('pipeline', () => {
  it('turns one signed response into claims read from the verified element', () => {
    const s = readSettings(options());
    const r = runSync(runPipeline(s, signedResponse(), VALID_NOW.getTime(), undefined, s.trust.current(VALID_NOW.getTime())));
    expect(r.subject.nameId).toBe('alice@example.com');
    expect(Object.isFrozen(r.subject)).toBe(true);
  });
  it('refuses a tampered one with its code', () => {
    const s = readSettings(options());
    const tampered = signedResponse().replace('alice@example.com', 'mallory@example.com');
    expect(() => runSync(runPipeline(s, tampered, VALID_NOW.getTime(), undefined, s.trust.current(VALID_NOW.getTime())))).toThrow(expect.objectContaining({ code: 'DIGEST_MISMATCH' }));
  });
});

describe('acceptance', () => {
  it('records every assertion in every-assertion mode, so the second use is REPLAYED', async () => {
    const accept = createAcceptance(readSettings(options({ replay: { mode: 'every-assertion' } })));
    const xml = signedResponse();
    await accept.verify(xml);
    await expect(accept.verify(xml)).rejects.toMatchObject({ code: 'REPLAYED' });
    expect(() => accept.verifySync(xml)).toThrow(expect.objectContaining({ code: 'REPLAYED' }));
  });
});
