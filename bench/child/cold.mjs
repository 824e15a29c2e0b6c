// Cold start, one library per fresh `node` process (no TypeScript loader, nothing preloaded):
// import the package, configure it, verify one input. Prints one JSON line on stdout.
// Usage: node bench/child/cold.mjs <library-id> <input.json>
import { readFileSync } from 'node:fs';
import { ADAPTERS } from '../lib/adapters.mjs';

const [id, inputPath] = process.argv.slice(2);
const adapter = ADAPTERS[id];
if (!adapter || !inputPath) {
  console.error('usage: cold.mjs <library-id> <input.json>');
  process.exit(2);
}
const input = JSON.parse(readFileSync(inputPath, 'utf8'));

const t0 = performance.now();
const mod = await adapter.load();
const t1 = performance.now();
const verify = adapter.configure(mod, input);
const t2 = performance.now();
const result = await verify(input.base64);
const t3 = performance.now();
const nameId = adapter.nameIdOf(result);
if (nameId !== input.expectedNameId) {
  console.error(`cold.mjs: ${id} returned subject ${JSON.stringify(nameId)}`);
  process.exit(1);
}
process.stdout.write(
  `${JSON.stringify({ id, importMs: t1 - t0, configureMs: t2 - t1, firstVerifyMs: t3 - t2, totalMs: t3 - t0, sinceProcessStartMs: t3 })}\n`,
);
