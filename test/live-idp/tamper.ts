// Edits to a signed response, made after signing, that every verifier must refuse; and the checks
// shared by the live suites.
import { expect } from 'vitest';
import { SamlGuardError, type ErrorCode, type VerifiedAssertion } from '../../src/index.js';

/** Signed content changed after signing, each by a plain text edit (whatever the IdP's prefixes). */
export const TAMPERINGS: Record<string, (xml: string) => string> = {
  nameId: (xml) => xml.replace(/(<(?:[\w-]+:)?NameID\b[^>]*>)([^<]+)/, '$1mallory@example.com'),
  audience: (xml) => xml.replace(/(<(?:[\w-]+:)?Audience>)([^<]+)/, '$1https://evil.example/sp'),
  time: (xml) => xml.replace(/(<(?:[\w-]+:)?Conditions\b[^>]*\bNotOnOrAfter=")([^"]+)/, '$12099-01-01T00:00:00Z'),
};

/** Each tampering must change the document (or the test proves nothing) and be refused with `code`. */
export async function expectTamperedRefused(xml: string, verify: (xml: string) => Promise<VerifiedAssertion>, code: ErrorCode = 'DIGEST_MISMATCH'): Promise<void> {
  for (const [what, tamper] of Object.entries(TAMPERINGS)) {
    const changed = tamper(xml);
    expect(changed, `tampering ${what} changed nothing`).not.toBe(xml);
    const err = await verify(changed).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err, `tampered ${what} was accepted`).toBeInstanceOf(SamlGuardError);
    expect((err as SamlGuardError).code, `tampered ${what}: ${(err as Error).message}`).toBe(code);
  }
}

export function decodeResponse(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8');
}
