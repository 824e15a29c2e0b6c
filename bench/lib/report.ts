/**
 * The suite's results (written as JSON) and their Markdown rendering (bench/results/*.md, the README's
 * Performance section, and what `npm run bench` prints).
 */
import type { FloorResult } from './floor.js';
import type { Footprint } from './footprint.js';
import { isWide, type HarnessOptions, type Measurement, type Ratio } from './harness.js';
import type { ProfileSummary } from './profile.js';

export type RowId = 'sg:reused' | 'sg:verifyAssertion' | 'sg:fresh' | `peer:${string}`;

export interface RowResult {
  status: 'ok' | 'unsupported';
  /** Why the library cannot verify this input (what it threw on the untimed check). */
  reason?: string;
  /** Whether a tampered copy (NameID edited after signing) was rejected. */
  tamperRejected?: boolean;
  m?: Measurement;
  /** This row's time ÷ samlguard's reused-verifier time, round by round (peers: how many times slower). */
  vsSamlguard?: Ratio;
  wide?: boolean;
}

export interface InputTiming {
  rows: Record<string, RowResult>;
  floor: FloorResult;
  /** samlguard (reused verifier) ÷ floor, round by round. */
  samlguardToFloor: Ratio;
}

export interface InputInfo {
  id: string;
  size: string;
  variant: string;
  label: string;
  bytes: number;
  base64Bytes: number;
  signatures: number;
}

export interface LibraryInfo {
  id: string;
  label: string;
  version: string;
  call: string;
  notes: string;
}

export interface ColdResult {
  runs: number;
  importMs: number;
  configureMs: number;
  firstVerifyMs: number;
  /** import + configure + first verify, in-process. */
  totalMs: number;
  /** Spawn to exit, measured by the parent (includes Node's own start-up, the same for everyone). */
  wallMs: number;
  minTotalMs: number;
  maxTotalMs: number;
  error?: string;
}

export interface MemoryResult {
  peakGrowthBytes: number;
  peakGrowthMinBytes: number;
  peakGrowthMaxBytes: number;
  /** Calls whose growth was measured (the median is reported). */
  growthCalls?: number;
  retainedPerCallBytes: number;
  /** Calls in the measured retention phase. */
  calls: number;
  error?: string;
}

/** samlguard's bounded caches under a flood of distinct inputs (bench/child/memory.ts). */
export interface FloodResult {
  mode: 'flood-cache' | 'flood-verifiers';
  input: string;
  count: number;
  /** Heap retained after the flood and a full GC. */
  retainedBytes: number;
  /** flood-cache: entries held and the cache's own size estimate. */
  entries?: number;
  estimatedBytes?: number;
  inputBytes?: number;
  unsupported?: string;
  error?: string;
}

export interface Target {
  id: string;
  title: string;
  measured: string;
  threshold: string;
  pass: boolean;
  /** How far from the threshold, in words ("2.3× better than needed", "misses by 18%"). */
  margin: string;
}

export interface Results {
  meta: {
    date: string;
    mode: 'full' | 'quick';
    durationS: number;
    machine: {
      cpu: string;
      cores: number;
      memoryGiB: number;
      os: string;
      loadAvgAtStart: number[];
      loadAvgAtEnd: number[];
      /** During the timing stage: CPU used by other processes, and stolen by the hypervisor, % of the machine. */
      contention?: { otherPct: number; stealPct: number };
    };
    node: string;
    v8: string;
    samlguard: { version: string; commit: string; dirty: boolean; distStale: boolean };
    versions: Record<string, string>;
    settings: HarnessOptions & { coldRuns: number; profileMs: number };
  };
  inputs: InputInfo[];
  libraries: LibraryInfo[];
  timing: Record<string, InputTiming>;
  /** samlguard (reused verifier) on the inputs the targets compare, interleaved in the same rounds. */
  crossCheck: Record<string, Measurement>;
  /** Set (to why) when this version has no verified-assertion cache; the cache-hit row is timed otherwise. */
  cacheHit?: string;
  targets: Target[];
  coldStart: { input: string; results: Record<string, ColdResult> };
  footprint: Record<string, Footprint & { error?: string }>;
  memory: { input: string; results: Record<string, MemoryResult>; floods: FloodResult[]; resultCache?: string };
  /** samlguard's hot path on the 10 KB input, and on the 100 KB input (for the size comparison). */
  profile?: ProfileSummary & { input: string; bytes: number; error?: string };
  profileLarge?: ProfileSummary & { input: string; bytes: number };
  profileError?: string;
}

// ---------------------------------------------------------------------------------------------------

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
export function us(v: number): string {
  if (!Number.isFinite(v)) return '—';
  return v < 10 ? v.toFixed(1) : int.format(v);
}
const ms = (v: number): string => (v < 10 ? v.toFixed(1) : int.format(v));
const times = (r: Ratio): string =>
  r.median < 0.1 ? `1/${Math.round(1 / r.median)}` : `${r.median < 10 ? r.median.toFixed(2) : r.median.toFixed(1)}×`;
export const kib = (bytes: number): string => (Math.abs(bytes) >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`);
const WIDE = '†';

function cell(row: RowResult | undefined, withRatio: boolean): string {
  if (!row) return '—';
  if (row.status === 'unsupported') return '✗ cannot verify';
  const m = row.m!;
  const mark = row.wide ? WIDE : '';
  const ratio = withRatio && row.vsSamlguard ? ` (${times(row.vsSamlguard)})` : '';
  const tamper = row.tamperRejected === false ? ' ‼' : '';
  return `${us(m.median)}${mark}${ratio}${tamper}`;
}

export function renderMarkdown(r: Results): string {
  const out: string[] = [];
  const lib = (id: string): LibraryInfo => r.libraries.find((l) => l.id === id)!;
  const peers = r.libraries.filter((l) => l.id !== 'samlguard');
  const m = r.meta;

  out.push(`# samlguard benchmark${m.mode === 'quick' ? ' (quick run: indicative only)' : ''}`);
  out.push('');
  out.push(
    `${m.date} · ${m.machine.cpu} × ${m.machine.cores} cores, ${m.machine.memoryGiB} GiB · ${m.machine.os} · Node ${m.node} (V8 ${m.v8}) · load average ${m.machine.loadAvgAtStart.map((x) => x.toFixed(2)).join(' ')} at start, ${m.machine.loadAvgAtEnd.map((x) => x.toFixed(2)).join(' ')} at end · ${Math.round(m.durationS)} s`,
  );
  out.push('');
  out.push(
    `samlguard ${m.samlguard.version} @ ${m.samlguard.commit}${m.samlguard.dirty ? ' (uncommitted changes)' : ''} · ` +
      Object.entries(m.versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(' · '),
  );
  out.push('');
  out.push(
    `Timing: tinybench, ${m.settings.rounds} rounds × ${m.settings.timeMs} ms per task (at least ${m.settings.minIterations} call${m.settings.minIterations === 1 ? '' : 's'}) after ${m.settings.warmupMs} ms warm-up; every library and floor part of one input in the same rounds, order rotated per round. ` +
      `Medians of single calls over all rounds, in µs. Ratios are taken round by round (two tasks measured within a second or two of each other) and their median reported. ${WIDE} = wide spread (the middle half of the calls, or of the per-round medians, spans more than 25% of the median).`,
  );
  if (m.machine.contention) {
    const c = m.machine.contention;
    const busy = c.otherPct + c.stealPct > 10;
    out.push('', `${busy ? '**Shared machine:** ' : ''}while timing, other processes used ${c.otherPct.toFixed(0)}% of the machine's CPU time and the hypervisor stole ${c.stealPct.toFixed(0)}%${busy ? ': absolute times are inflated and noisier than on an idle machine; ratios measured in the same rounds are the numbers to trust.' : '.'}`);
  }
  if (m.samlguard.distStale) out.push('', '**Note:** dist/ is older than src/: cold start measured the last build (run `npm run build`).');
  out.push('');

  // Targets ------------------------------------------------------------------------------------------
  out.push('## Targets (10 KB, assertion signed, reused verifier)');
  out.push('');
  out.push('| | target | measured | needed | margin |');
  out.push('| --- | --- | --- | --- | --- |');
  for (const t of r.targets) out.push(`| **${t.pass ? 'PASS' : 'MISS'}** | ${t.title} | ${t.measured} | ${t.threshold} | ${t.margin} |`);
  out.push('');

  // Timing ------------------------------------------------------------------------------------------
  out.push('## Time per verification (median µs; peers: × samlguard)');
  out.push('');
  const head = ['input', 'XML', 'samlguard (reused verifier)', '÷ floor', 'verifyAssertion()', 'fresh createVerifier', 'cache hit', ...peers.map((p) => p.label), 'floor (one call)'];
  out.push(`| ${head.join(' | ')} |`);
  out.push(`| ${head.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`);
  for (const input of r.inputs) {
    const t = r.timing[input.id];
    if (!t) continue;
    const row = [
      `${input.size} · ${input.label}`,
      kib(input.bytes),
      `**${cell(t.rows['sg:reused'], false)}**`,
      times(t.samlguardToFloor),
      cell(t.rows['sg:verifyAssertion'], true),
      cell(t.rows['sg:fresh'], true),
      r.cacheHit ?? cell(t.rows['sg:cacheHit'], true),
      ...peers.map((p) => cell(t.rows[`peer:${p.id}`], true)),
      `${us(t.floor.pipeline.median)}${wide(t.floor.pipeline) ? WIDE : ''}`,
    ];
    out.push(`| ${row.join(' | ')} |`);
  }
  out.push('');
  const unsupported = new Map<string, string[]>();
  for (const input of r.inputs) {
    for (const [rowId, row] of Object.entries(r.timing[input.id]?.rows ?? {})) {
      if (row.status !== 'unsupported') continue;
      const key = `${lib(rowId.replace(/^peer:/, '').replace(/^sg:.*/, 'samlguard')).label}: ${row.reason}`;
      unsupported.set(key, [...(unsupported.get(key) ?? []), input.id]);
    }
  }
  if (unsupported.size > 0) {
    out.push('✗ = the library rejected the input on the untimed check, so it is not timed:');
    for (const [reason, ids] of unsupported) out.push(`- ${reason} (${ids.join(', ')})`);
    out.push('');
  }
  const accepted = r.inputs.flatMap((i) => Object.entries(r.timing[i.id]?.rows ?? {}).filter(([, row]) => row.tamperRejected === false).map(([id]) => `${id} on ${i.id}`));
  if (accepted.length > 0) out.push(`‼ accepted a tampered copy (NameID edited after signing): ${accepted.join(', ')}`, '');
  else out.push('Every timed library was also checked to reject a tampered copy of each input it accepted (NameID edited after signing).', '');

  // Floor --------------------------------------------------------------------------------------------
  const parseCell = (parts: readonly { key: string; samlguard?: number; xmlCrypto?: number }[]): string => {
    const p = parts.find((x) => x.key === 'floor:parse');
    return p?.samlguard === undefined ? '–' : `${us(p.samlguard)} · ${p.xmlCrypto === undefined ? '–' : us(p.xmlCrypto)}`;
  };
  out.push('## The floor, part by part (median µs)');
  out.push('');
  out.push('| input | base64 → text | parse: lane · xmldom | c14n signed element(s) | c14n SignedInfo | SHA-256 | verify | sum of parts | all parts in one call (the floor) | samlguard | ÷ floor |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const input of r.inputs) {
    const t = r.timing[input.id];
    if (!t) continue;
    const sum = (re: RegExp): number => t.floor.parts.filter((p) => re.test(p.key)).reduce((s, p) => s + p.median, 0);
    const c14nBy = [...new Set(t.floor.parts.filter((p) => p.by).map((p) => p.by))].join('/');
    out.push(
      `| ${input.id} | ${us(sum(/decode/))} | ${parseCell(t.floor.parts)} | ${us(sum(/^floor:c14n-(response|assertion)$/))} | ${us(sum(/c14n-si/))} | ${us(sum(/sha256/))} | ${us(sum(/verify/))} | ${us(t.floor.total)} | ${us(t.floor.pipeline.median)} | ${us(t.rows['sg:reused']!.m!.median)} | ${times(t.samlguardToFloor)} |`,
    );
    void c14nBy;
  }
  out.push('');
  const c14nWinners = new Set(r.inputs.flatMap((i) => (r.timing[i.id]?.floor.parts ?? []).filter((p) => p.by && p.key !== 'floor:parse').map((p) => p.by!)));
  out.push(
    `Each c14n part is the faster of samlguard's and xml-crypto's exclusive c14n with byte-identical output (here: ${[...c14nWinners].join(', ')}). The parse column shows samlguard's strict parser lane (every guard included) beside a bare @xmldom/xmldom ${m.versions['@xmldom/xmldom (floor)'] ?? ''} parse (no guards, no line tracking; samlguard's former parser); the faster sets the floor. Two signatures = two of each c14n, digest and verify. The parts are timed alone in tight loops (warm caches, none of the other parts' garbage), so their sum flatters; the floor samlguard is compared with is the same work done in one call per request, on a fresh parse, timed in the same rounds.`,
  );
  out.push('');

  // Memory ---------------------------------------------------------------------------------------
  out.push(`## Memory per verification (${r.memory.input}, own process each)`);
  out.push('');
  out.push('| library | peak heap growth | retained per call |');
  out.push('| --- | ---: | ---: |');
  for (const l of r.libraries) {
    const x = r.memory.results[l.id];
    if (!x) continue;
    if (x.error) out.push(`| ${l.label} | ${x.error} | |`);
    else out.push(`| ${l.label} | ${kib(x.peakGrowthBytes)} (${kib(x.peakGrowthMinBytes)}–${kib(x.peakGrowthMaxBytes)}) | ${kib(Math.max(0, x.retainedPerCallBytes))} |`);
  }
  out.push('');
  const sgMem = r.memory.results['samlguard'];
  out.push(
    `Peak heap growth: heap used after one call minus before it, with a young generation large enough that no GC runs inside the call, so it is everything the call allocates (an upper bound of its live peak); median of ${sgMem?.growthCalls ?? 15} calls (min–max; libraries slower than 50 ms a call: 3). Retained: heap growth over N further calls after N warm ones, full GC after each phase, per call, results dropped (${sgMem?.calls ?? 'N'} calls for samlguard).`,
  );
  out.push('');
  out.push('Bounded caches under a flood of distinct inputs:');
  out.push('');
  if (r.memory.resultCache) out.push(`- verified-assertion cache: ${r.memory.resultCache}`);
  for (const f of r.memory.floods) {
    if (f.error || f.unsupported) {
      out.push(`- ${f.mode} (${f.input}): ${f.error ?? f.unsupported}`);
    } else if (f.mode === 'flood-cache') {
      out.push(
        `- verified-assertion cache (default bounds: 1,000 entries, 16 MiB by its own estimate), ${int.format(f.count)} distinct valid ${f.input} responses (whitespace variants outside the signed Assertion): ` +
          `${int.format(f.entries ?? 0)} entries held, ${kib(f.retainedBytes)} of heap retained (${kib(f.retainedBytes / Math.max(1, f.entries ?? 1))} per entry); the cache's own estimate: ${kib(f.estimatedBytes ?? NaN)}` +
          `${f.estimatedBytes && f.retainedBytes > 1.25 * f.estimatedBytes ? ` (**the heap holds ${(f.retainedBytes / f.estimatedBytes).toFixed(1)}× the estimate**)` : ''}.`,
      );
    } else {
      out.push(`- verifyAssertion()'s verifier cache (by configuration, at most 32 verifiers), ${int.format(f.count)} distinct configurations: ${kib(f.retainedBytes)} of heap retained.`);
    }
  }
  out.push('');

  // Cold start ---------------------------------------------------------------------------------------
  out.push(`## Cold start (${r.coldStart.input}; fresh \`node\` process each, median of ${m.settings.coldRuns})`);
  out.push('');
  out.push('| library | import | configure | first verify | import → verified | process wall | installed | runtime deps |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const l of r.libraries) {
    const c = r.coldStart.results[l.id];
    const f = r.footprint[l.id];
    const size = f && !f.error ? `${kib(f.totalBytes)}` : '—';
    const deps = f && !f.error ? String(f.dependencies.length) : '—';
    if (!c || c.error) {
      out.push(`| ${l.label} | ${c?.error ?? '—'} | | | | | ${size} | ${deps} |`);
      continue;
    }
    const name = l.id === 'samlguard' ? `**${l.label}** (dist/index.js)` : l.label;
    out.push(`| ${name} | ${ms(c.importMs)} ms | ${ms(c.configureMs)} ms | ${ms(c.firstVerifyMs)} ms | **${ms(c.totalMs)} ms** (${ms(c.minTotalMs)}–${ms(c.maxTotalMs)}) | ${ms(c.wallMs)} ms | ${size} | ${deps} |`);
  }
  out.push('');
  out.push(
    'Installed: the package (samlguard: its published files, source maps included) plus the transitive closure of its runtime dependencies, as installed. ' +
      `samlguard's runtime dependencies: ${r.footprint['samlguard']?.dependencies.join(', ') || 'none'}.`,
  );
  out.push('');

  // Profile --------------------------------------------------------------------------------------
  const missed = r.targets.filter((t) => !t.pass);
  out.push(`## Where samlguard's time goes (${r.profile?.input ?? '10k/assertion'}, V8 CPU profile of verifySync in a loop)`);
  out.push('');
  if (missed.length > 0) out.push(`Missed: ${missed.map((t) => t.title).join('; ')}. The profile below shows where the hot path spends its time.`, '');
  if (r.profile && !r.profile.error) {
    const p = r.profile;
    out.push(`samlguard runs from src/ through tsx here (the code the timing measures), so its frames carry no line numbers; \`__name\` frames are tsx's (keepNames), not samlguard's.`, '');
    out.push(`${int.format(p.calls)} calls, ${us(p.perCallUs)} µs per call under the profiler; garbage collection ${ms(p.gcMs)} ms beside ${ms(p.hotMs)} ms of JavaScript and native work (${((p.gcMs / (p.gcMs + p.hotMs)) * 100).toFixed(0)}%).`);
    out.push('');
    const large = r.profileLarge;
    const perKb = (q: ProfileSummary & { bytes: number }, share: number): string => (((q.perCallUs * share) / 100) / (q.bytes / 1024)).toFixed(1);
    const gcShare = (q: ProfileSummary): number => (q.gcMs / (q.gcMs + q.hotMs)) * 100;
    const hotShare = (q: ProfileSummary, pct: number): number => (pct * q.hotMs) / (q.gcMs + q.hotMs);
    out.push(
      `| stage (callees of ${p.stagePath.map((f) => `\`${f.split(' ')[0]}\``).join(' → ')}, inclusive) | share | µs per KB${large ? ` | share at ${large.input} | µs per KB at ${large.input}` : ''} |`,
    );
    out.push(`| --- | ---: | ---: |${large ? ' ---: | ---: |' : ''}`);
    for (const st of p.stages.filter((x) => x.pct >= 0.5)) {
      const l = large?.stages.find((x) => x.frame === st.frame);
      const sh = hotShare(p, st.pct);
      const lsh = large && l ? hotShare(large, l.pct) : undefined;
      out.push(`| \`${st.frame}\` | ${sh.toFixed(1)}% | ${perKb(p, sh)}${large ? ` | ${lsh === undefined ? '—' : `${lsh.toFixed(1)}%`} | ${lsh === undefined ? '—' : perKb(large, lsh)}` : ''} |`);
    }
    out.push(`| garbage collector | ${gcShare(p).toFixed(1)}% | ${perKb(p, gcShare(p))}${large ? ` | ${gcShare(large).toFixed(1)}% | ${perKb(large, gcShare(large))}` : ''} |`);
    out.push('');
    if (large) {
      out.push(
        `Per KB of XML, a stage whose µs/KB grows from ${p.input} to ${large.input} is what makes time grow faster than the input. At ${large.input}: ${int.format(large.calls)} calls, ${us(large.perCallUs)} µs per call under the profiler.`,
        '',
      );
    }
    out.push('| hottest frames (self time) | share |');
    out.push('| --- | ---: |');
    for (const s of p.self) out.push(`| \`${s.frame.length > 120 ? `${s.frame.slice(0, 117)}...` : s.frame}\` | ${s.pct.toFixed(1)}% |`);
    out.push('');
    out.push('| samlguard functions (inclusive) | share |');
    out.push('| --- | ---: |');
    for (const s of p.inclusive) out.push(`| \`${s.frame}\` | ${s.pct.toFixed(1)}% |`);
    out.push('');
  } else {
    out.push(`Profile unavailable: ${r.profile?.error ?? r.profileError ?? 'not run'}.`, '');
  }

  // Configuration --------------------------------------------------------------------------------
  out.push('## How each library is called');
  out.push('');
  out.push('Same certificate, IdP entityID, audience, ACS URL, 60 s clock skew, real clock (inputs are issued at the start of the run, valid for an hour), no InResponseTo expectation; configuration happens once, outside the timed call, except in "fresh createVerifier".');
  out.push('');
  for (const l of r.libraries) out.push(`- **${l.label}** ${l.version}: ${l.call}. ${l.notes}`);
  out.push(`- **samlguard verifyAssertion()**: verifyAssertion(SAMLResponse, options) per call, the same options object: its verifier cache (keyed by configuration) answers. **fresh createVerifier**: createVerifier(options) + verify per call (worst case: configuration checked and keys imported every time). **cache hit**: ${r.cacheHit ?? 'a verifier with the verified-assertion cache ({ maxEntries: 1000 }), verify per call on an input it has already verified (SHA-256 of the input, map lookup, time re-check, copy of the result)'}.`);
  out.push('');
  return out.join('\n');
}

/** Wide-spread flag for a row. */
export const wide = (m: Measurement): boolean => isWide(m);
