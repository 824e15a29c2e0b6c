// Locating the shared interop corpus (…/shared/interop beside the checkout; see shared/interop/README.md).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

/** An absolute path under shared/interop, resolved from this file (test/interop → ../../../shared/interop). */
export function interopPath(...parts: string[]): string {
  return fileURLToPath(new URL(parts.join('/'), new URL('../../../shared/interop/', import.meta.url)));
}

/**
 * Whether a corpus folder is present. When it is not: under CI (env CI set) register a test that FAILS
 * saying so, so a missing corpus can never turn into a green run; otherwise warn and register a skipped test.
 */
export function corpusPresent(dir: string, suite: string): boolean {
  if (existsSync(dir)) return true;
  const ci = process.env['CI'];
  if (ci !== undefined && ci !== '') {
    describe(suite, () => {
      it(`requires the interop corpus at ${dir}`, () => {
        throw new Error(`${suite}: the interop corpus is missing at ${dir} (CI is set, so this fails instead of skipping).`);
      });
    });
  } else {
    console.warn(`[${suite}] SKIPPED: interop corpus not found at ${dir}`);
    describe.skip(`${suite} (corpus missing at ${dir})`, () => {
      it('needs the interop corpus', () => undefined);
    });
  }
  return false;
}
