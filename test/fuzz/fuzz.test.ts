// The bounded CI run of the mutation fuzzer (npm run fuzz -- --runs N for long runs): about 20k mutated
// responses, every outcome the unmodified identity or a SamlGuardError, none slower than 200 ms, and the
// parser lane agreeing with the xmldom lane on each (decision, tree, ID index, canonical bytes).
import { describe, expect, it } from 'vitest';
import { interopPath } from '../interop/corpus.js';
import { fuzz } from './mutator.js';
import { libxml2Refuses, xmllintPresent } from '../xml/lane-compare.js';
import { fixtureSeeds, interopSeeds } from './seeds.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 20_000);

describe('mutation fuzz: signed responses', () => {
  it(`${RUNS} mutations of fixture and real-IdP responses: only the signed identity or a SamlGuardError, never slow`, async () => {
    const seeds = [...fixtureSeeds(), ...interopSeeds(interopPath('idp-samples'))];
    const report = await fuzz(seeds, RUNS, 20261206);
    const summary = Object.entries(report.refused).sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ');
    console.log(`fuzz: ${report.runs} runs over ${seeds.length} seeds, ${report.accepted} accepted unchanged, max ${report.maxMs.toFixed(1)} ms; refused: ${summary}`);
    expect(report.findings.map((f) => `${f.seed}#${f.run} ${f.kind}: ${f.detail.slice(0, 400)}`)).toEqual([]);
    // Where only the parser lane refused, libxml2 must refuse too: the lane is stricter, never wrong.
    console.log(`fuzz: the parser lane alone refused ${report.laneStricter.length} input(s) (each checked with libxml2)`);
    expect(report.laneStricter.length).toBeLessThan(RUNS / 500);
    if (xmllintPresent() || process.env.CI) for (const input of report.laneStricter) expect(libxml2Refuses(input), input.slice(0, 400)).toBe(true);
  }, 240_000);
});
