/**
 * Timing, on tinybench (pinned in bench/package.json): every task of one group (one input) runs in the
 * same Bench, for many short rounds, the task order rotated each round so that no library always runs
 * right after another's garbage. Each sample is one call. Samples of all rounds are pooled: a burst of
 * load from a neighbour lands in some rounds of every task instead of all of one task's, and the pooled
 * median shrugs it off. Reported: that median, quartiles, min/max, and each round's median. A ratio is
 * taken per round (two tasks measured within a second or two of each other), and its median reported.
 * No forced GC between tasks: on this kind of machine a full GC slows the following ~100 ms of work
 * 2–4× (concurrent sweeping competes for the two cores), far more than the garbage it removes.
 *
 * tinybench is loaded at run time from bench/node_modules, so type-checking the project (`npm test`)
 * does not need the bench's dependencies installed.
 */

export interface TaskSpec {
  key: string;
  fn: () => unknown;
}

export interface Measurement {
  key: string;
  /** Calls timed (all rounds). */
  calls: number;
  /** Microseconds. */
  median: number;
  p25: number;
  p75: number;
  min: number;
  max: number;
  /** Median of each round's samples, µs. */
  rounds: number[];
}

export interface HarnessOptions {
  rounds: number;
  /** Time budget per task per round, ms. */
  timeMs: number;
  /** Minimum calls per task per round (slow peers still get this many). */
  minIterations: number;
  warmupMs: number;
  warmupIterations: number;
}

interface TinyTask {
  name: string;
  result: { state: string; error?: Error; latency?: { samples?: number[] } };
}
interface TinyBench {
  add(name: string, fn: () => unknown): TinyBench;
  run(): Promise<TinyTask[]>;
  tasks: TinyTask[];
}
type TinyBenchCtor = new (options: Record<string, unknown>) => TinyBench;

let benchCtor: TinyBenchCtor | undefined;
async function tinybench(): Promise<TinyBenchCtor> {
  if (!benchCtor) {
    const specifier = 'tinybench';
    const mod = (await import(specifier)) as { Bench: TinyBenchCtor };
    benchCtor = mod.Bench;
  }
  return benchCtor;
}

export async function tinybenchVersion(): Promise<string> {
  const { packageVersion } = await import('./adapters.mjs');
  return packageVersion('tinybench');
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export const median = (values: readonly number[]): number => quantile([...values].sort((a, b) => a - b), 0.5);

const MAX_KEPT = 1000;

/** Run all tasks of one group; returns one Measurement per task key. */
export async function measureGroup(tasks: readonly TaskSpec[], options: HarnessOptions): Promise<Map<string, Measurement>> {
  const Bench = await tinybench();
  const samples = new Map<string, number[]>(tasks.map((t) => [t.key, []]));
  const rounds = new Map<string, number[]>(tasks.map((t) => [t.key, []]));
  const calls = new Map<string, number>(tasks.map((t) => [t.key, 0]));
  for (let round = 0; round < options.rounds; round++) {
    const bench = new Bench({
      time: options.timeMs,
      iterations: options.minIterations,
      // Warm-up once: later rounds find the code already optimized.
      warmup: round === 0,
      warmupTime: options.warmupMs,
      warmupIterations: options.warmupIterations,
      retainSamples: true,
      throws: true,
    });
    const shift = round % tasks.length;
    for (const t of [...tasks.slice(shift), ...tasks.slice(0, shift)]) bench.add(t.key, t.fn);
    await bench.run();
    for (const task of bench.tasks) {
      if (task.result.state !== 'completed') throw new Error(`task ${task.name} did not complete (${task.result.state}): ${task.result.error?.message ?? ''}`);
      const us = (task.result.latency?.samples ?? []).map((ms) => ms * 1000).sort((a, b) => a - b);
      rounds.get(task.name)!.push(quantile(us, 0.5));
      calls.set(task.name, calls.get(task.name)! + us.length);
      // Keep at most MAX_KEPT samples per round, at evenly spaced quantiles: the distribution is kept,
      // and fast tasks (tens of thousands of calls a round) do not fill the heap with samples, which
      // would make every later GC, and so every later measurement, slower.
      const pooled = samples.get(task.name)!;
      if (us.length <= MAX_KEPT) for (const x of us) pooled.push(x);
      else for (let k = 0; k < MAX_KEPT; k++) pooled.push(quantile(us, (k + 0.5) / MAX_KEPT));
    }
  }
  const out = new Map<string, Measurement>();
  for (const t of tasks) {
    const all = samples.get(t.key)!.sort((a, b) => a - b);
    out.set(t.key, {
      key: t.key,
      calls: calls.get(t.key)!,
      median: quantile(all, 0.5),
      p25: quantile(all, 0.25),
      p75: quantile(all, 0.75),
      min: all[0] ?? Number.NaN,
      max: all[all.length - 1] ?? Number.NaN,
      rounds: rounds.get(t.key)!,
    });
  }
  return out;
}

/**
 * Ratio a/b, taken round by round (both measured within the same second or two), then the median of
 * those per-round ratios, with their interquartile range as spread.
 */
export interface Ratio {
  median: number;
  /** 25th and 75th percentile of the per-round ratios. */
  min: number;
  max: number;
}

export function ratioFrom(aRounds: readonly number[], bRounds: readonly number[]): Ratio {
  const per = aRounds.map((x, i) => x / bRounds[i]!).sort((x, y) => x - y);
  return { median: quantile(per, 0.5), min: quantile(per, 0.25), max: quantile(per, 0.75) };
}

export function ratioOf(a: Measurement, b: Measurement): Ratio {
  return ratioFrom(a.rounds, b.rounds);
}

/** Relative width of the interquartile range. */
export const iqrPct = (m: Measurement): number => ((m.p75 - m.p25) / m.median) * 100;

/** Wide spread: the middle half of the samples, or of the round medians, spans more than 25% of the median. */
export function isWide(m: Measurement): boolean {
  const r = [...m.rounds].sort((a, b) => a - b);
  const roundSpread = r.length > 2 ? (quantile(r, 0.75) - quantile(r, 0.25)) / m.median : 0;
  return iqrPct(m) > 25 || roundSpread > 0.25;
}
