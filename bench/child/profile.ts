/**
 * samlguard's hot path under the V8 sampling profiler, run by the suite as
 *   node --cpu-prof --cpu-prof-dir=<dir> --cpu-prof-interval=<µs> --import tsx bench/child/profile.ts <input.json> <ms>
 * A reused verifier verifies the input in a loop for <ms> milliseconds (verifySync: the same work as
 * verify, without promise frames in the stacks). The suite summarizes the profile (bench/lib/profile.ts).
 */
import { readFileSync } from 'node:fs';
import { createVerifier } from '../../src/index.js';
import { samlguardOptions } from '../lib/adapters.mjs';
import type { ChildInput } from '../lib/inputs.js';

const [inputPath, msArg] = process.argv.slice(2) as [string, string];
const input = JSON.parse(readFileSync(inputPath, 'utf8')) as ChildInput;
const verifier = createVerifier(samlguardOptions(input));
const end = performance.now() + Number(msArg);
let calls = 0;
while (performance.now() < end) {
  for (let i = 0; i < 10; i++) verifier.verifySync(input.base64);
  calls += 10;
}
process.stdout.write(`${JSON.stringify({ calls })}\n`);
