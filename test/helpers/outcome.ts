// What a call ended in, as one string to compare: 'accepted', or the SamlGuardError code it was refused
// with. Anything else thrown is a bug and is rethrown, so a TypeError never passes for a refusal.
import { SamlGuardError } from '../../src/errors.js';

export function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof SamlGuardError) return err.code;
    throw err;
  }
  return 'accepted';
}

export async function codeOfAsync(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SamlGuardError) return err.code;
    throw err;
  }
  return 'accepted';
}
