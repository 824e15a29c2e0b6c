// npm run fuzz -- [--runs N] [--seed S] [--slow-ms MS]: the mutation fuzzer for long runs, over the
// fixture responses and the accepted real-IdP samples of ../shared/interop. Findings are written to
// fuzz-findings/ (one file each) and make the exit code 1.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { interopPath } from '../interop/corpus.js';
import { fuzz } from './mutator.js';
import { fixtureSeeds, interopSeeds } from './seeds.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '100000' }, seed: { type: 'string', default: String(Date.now() % 2 ** 31) }, 'slow-ms': { type: 'string', default: '200' } } });
const runs = Number(values.runs);
const seed = Number(values.seed);
if (!Number.isSafeInteger(runs) || runs <= 0 || !Number.isSafeInteger(seed)) {
  console.error('usage: npm run fuzz -- [--runs N] [--seed S] [--slow-ms MS]');
  process.exit(2);
}
const seeds = [...fixtureSeeds(), ...interopSeeds(interopPath('idp-samples'))];
console.log(`fuzzing ${runs} mutations over ${seeds.length} seeds (seed ${seed}; rerun with --seed ${seed} to reproduce)`);
const started = Date.now();
const batch = 10_000;
let total = 0;
const all = [];
for (let done = 0; done < runs; done += batch) {
  const n = Math.min(batch, runs - done);
  const report = await fuzz(seeds, n, seed + done);
  total += n;
  all.push(...report.findings);
  console.log(`${total} runs, ${all.length} findings, max ${report.maxMs.toFixed(1)} ms in this batch, ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
if (all.length > 0) {
  mkdirSync('fuzz-findings', { recursive: true });
  all.forEach((f, i) => writeFileSync(join('fuzz-findings', `${i}-${f.kind}.xml`), `<!-- ${f.seed} run ${f.run}: ${f.detail.replace(/--/g, '- -')} -->\n${f.input}`));
  console.error(`${all.length} findings written to fuzz-findings/`);
  process.exit(1);
}
console.log('clean');
