// Shared by the c14n tests. The vectors are parsed with xmldom directly, not with samlguard's hardened
// parser: several W3C inputs carry a DOCTYPE, which the product parser rejects by design.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOMParser, type Document } from '@xmldom/xmldom';
import { describe, it } from 'vitest';

/** `shared/` sits beside the checkout (…/work/main → …/work/shared). */
export const SHARED_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/interop');

/**
 * Whether an interop folder is present. When it is not, say so loudly; under CI (env CI set) register a
 * failing test instead, so a missing corpus can never turn into a green run.
 */
export function interopFolderPresent(dir: string, suite: string): boolean {
  if (existsSync(dir)) return true;
  if (process.env.CI !== undefined) {
    describe(suite, () => {
      it(`needs the interop corpus at ${dir}`, () => {
        throw new Error(`${suite}: interop folder ${dir} is missing (CI is set, so this fails instead of skipping)`);
      });
    });
  } else {
    console.warn(`[${suite}] SKIPPED: interop folder not found at ${dir}`);
  }
  return false;
}

/** Parse with xmldom, failing on any parser error (warnings are tolerated) unless `lenient`. */
export function parseXml(text: string, { lenient = false } = {}): Document {
  const errors: string[] = [];
  const doc = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') errors.push(`${level}: ${message}`);
    },
  }).parseFromString(text, 'text/xml');
  if (errors.length > 0 && !lenient) throw new Error(`XML parse failed: ${errors.join('; ')}`);
  return doc;
}
