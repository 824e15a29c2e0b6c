/**
 * Memory, one measurement per process, run by the suite as
 *   node --expose-gc --min-semi-space-size=256 --max-semi-space-size=256 --import tsx \
 *     bench/child/memory.ts <mode> <library-id> <input.json> [count]
 * modes:
 *   per-call        heap growth across one call (the young generation is large enough that no scavenge
 *                   runs inside a call, so the growth is everything the call allocated: the peak it can
 *                   reach, an upper bound of the live peak); and heap retained per call: N calls, full GC,
 *                   N more calls (results dropped), full GC, growth of the second phase ÷ N
 *   flood-cache     samlguard only: a verifier with the verified-assertion cache (default bounds) fed
 *                   <count> distinct valid inputs (whitespace variants of the input outside the signed
 *                   Assertion, as anyone holding one valid response can make); heap retained afterwards
 *   flood-verifiers samlguard only: verifyAssertion() with <count> distinct configurations (its verifier
 *                   cache is bounded by entries); heap retained afterwards
 * samlguard runs from src/ (the code the timing measures); peers from bench/node_modules.
 * Prints one JSON line on stdout.
 */
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import { ADAPTERS, samlguardOptions, type LibraryId } from '../lib/adapters.mjs';
import type { ChildInput } from '../lib/inputs.js';

const [mode, id, inputPath, countArg] = process.argv.slice(2) as [string, LibraryId, string, string | undefined];
const gcFn = (globalThis as { gc?: () => void }).gc;
if (!gcFn) throw new Error('run with --expose-gc');
const fullGc = (): void => {
  gcFn();
  gcFn();
};
const used = (): number => v8.getHeapStatistics().used_heap_size;
const input = JSON.parse(readFileSync(inputPath, 'utf8')) as ChildInput;
const adapter = ADAPTERS[id];
const mod = id === 'samlguard' ? await import('../../src/index.js') : await adapter.load();
const out: Record<string, unknown> = { id, mode };

if (mode === 'per-call') {
  const verify = adapter.configure(mod, input);
  const first = await verify(input.base64);
  if (adapter.nameIdOf(first) !== input.expectedNameId) throw new Error(`${id} did not accept the input`);
  // Warm-up: up to 20 calls or 1 s; slow libraries then get fewer measured calls.
  const t0 = performance.now();
  let warm = 0;
  while (warm < 20 && (warm < 2 || performance.now() - t0 < 600)) {
    await verify(input.base64);
    warm++;
  }
  const callMs = (performance.now() - t0) / warm;
  const growth: number[] = [];
  const growthCalls = callMs > 50 ? 3 : 15;
  for (let i = 0; i < growthCalls; i++) {
    fullGc();
    const before = used();
    await verify(input.base64);
    growth.push(used() - before);
  }
  growth.sort((a, b) => a - b);
  // Retention in two phases, the second measured: one-time growth (optimized code, inline caches,
  // lazily built tables) lands in the first, so what the second adds is really per call.
  const n = Math.min(50, Math.max(4, Math.ceil(1000 / callMs)));
  for (let i = 0; i < n; i++) await verify(input.base64);
  fullGc();
  const base = used();
  for (let i = 0; i < n; i++) await verify(input.base64);
  fullGc();
  Object.assign(out, {
    peakGrowthBytes: growth[Math.floor(growth.length / 2)],
    peakGrowthMinBytes: growth[0],
    peakGrowthMaxBytes: growth[growth.length - 1],
    growthCalls,
    retainedPerCallBytes: (used() - base) / n,
    calls: n,
  });
} else if (mode === 'flood-cache' && id === 'samlguard') {
  const sg = mod as typeof import('../../src/index.js');
  const count = Number(countArg ?? 3000);
  const options = { ...samlguardOptions(input), cache: {} }; // default bounds
  const verifier = sg.createVerifier(options) as ReturnType<typeof sg.createVerifier> & { cacheStats?: () => { entries: number; bytes: number } | undefined };
  if (typeof verifier.cacheStats !== 'function' || verifier.cacheStats() === undefined) {
    out['unsupported'] = 'no verified-assertion cache in this version';
  } else {
    const xml = Buffer.from(input.base64, 'base64').toString('utf8');
    const at = xml.indexOf('<samlp:Status>');
    if (at < 0) throw new Error('flood-cache: no samlp:Status');
    // Eight whitespace characters in the Response, outside the signed Assertion: 3^8 distinct inputs.
    const WS = [' ', '\t', '\n'];
    const variant = (k: number): string => {
      let pad = '';
      for (let d = 0; d < 8; d++, k = Math.floor(k / 3)) pad += WS[k % 3];
      return Buffer.from(`${xml.slice(0, at)}${pad}${xml.slice(at)}`, 'utf8').toString('base64');
    };
    await verifier.verify(variant(0));
    fullGc();
    const base = used();
    for (let k = 1; k <= count; k++) await verifier.verify(variant(k));
    fullGc();
    const stats = verifier.cacheStats()!;
    Object.assign(out, { count, inputBytes: xml.length, retainedBytes: used() - base, entries: stats.entries, estimatedBytes: stats.bytes });
  }
} else if (mode === 'flood-verifiers' && id === 'samlguard') {
  const sg = mod as typeof import('../../src/index.js');
  const count = Number(countArg ?? 1000);
  await sg.verifyAssertion(input.base64, samlguardOptions(input));
  fullGc();
  const base = used();
  for (let i = 0; i < count; i++) {
    await sg.verifyAssertion(input.base64, { ...samlguardOptions(input), clockSkewSeconds: 1 + (i % 3600) }); // a distinct configuration each call
  }
  fullGc();
  Object.assign(out, { count, retainedBytes: used() - base });
} else {
  throw new Error(`unknown mode ${mode} for ${id}`);
}

process.stdout.write(`${JSON.stringify(out)}\n`);
