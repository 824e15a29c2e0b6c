/**
 * Summary of a V8 .cpuprofile of samlguard's hot path (bench/child/profile.ts): only samples whose stack
 * contains the verifier's verifySync count as the hot path; the garbage collector is reported beside it
 * (V8 puts GC samples at the top level, outside any JS stack).
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface FrameTime {
  frame: string;
  ms: number;
  /** Share of the hot path's time, %. */
  pct: number;
}

export interface ProfileSummary {
  calls: number;
  /** ms of samples inside verifySync. */
  hotMs: number;
  /** ms of garbage-collector samples over the whole run (almost all of it is the loop). */
  gcMs: number;
  /** Time per call from the profile: (hot + GC) / calls, µs. */
  perCallUs: number;
  /** The wrappers between verifySync and the stages (each holding ≥ 90% of the time), e.g. verifySync → prepare. */
  stagePath: string[];
  /** The pipeline stages: callees of the last wrapper, inclusive. */
  stages: FrameTime[];
  /** Self time of the hottest frames. */
  self: FrameTime[];
  /** Inclusive time of samlguard's own functions (src/), hottest first. */
  inclusive: FrameTime[];
}

function frameName(cf: CallFrame, root: string): string {
  const fn = cf.functionName || '(anonymous)';
  if (!cf.url) return fn;
  let url = cf.url.replace(/^file:\/\//, '');
  if (url.startsWith(root)) url = url.slice(root.length);
  url = url.replace(/^.*\/node_modules\//, '');
  // TypeScript run through tsx: V8's line numbers are those of the transformed code, so leave them out.
  return url.endsWith('.ts') ? `${fn} ${url}` : `${fn} ${url}:${cf.lineNumber + 1}`;
}

export function summarizeProfile(file: string, projectRoot: string, calls: number, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const root = projectRoot.endsWith('/') ? projectRoot : `${projectRoot}/`;
  const byId = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const isHotRoot = (cf: CallFrame): boolean => cf.functionName === 'verifySync' && /\/src\/verifier(\/acceptance)?\.ts$/.test(cf.url);

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  interface Trie {
    us: number;
    kids: Map<string, Trie>;
  }
  const trie: Trie = { us: 0, kids: new Map() };
  let hot = 0;
  let gc = 0;
  const n = profile.samples.length;
  for (let i = 0; i < n; i++) {
    // A sample lasts until the next one.
    const us = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
    let node = byId.get(profile.samples[i]!)!;
    if (node.callFrame.functionName === '(garbage collector)') {
      gc += us;
      continue;
    }
    const stack: ProfileNode[] = [];
    for (let cur: ProfileNode | undefined = node; cur !== undefined; cur = byId.get(parent.get(cur.id) ?? -1)) stack.push(cur);
    const rootIndex = stack.findIndex((f) => isHotRoot(f.callFrame));
    if (rootIndex < 0) continue;
    hot += us;
    node = stack[0]!;
    const leaf = frameName(node.callFrame, root);
    self.set(leaf, (self.get(leaf) ?? 0) + us);
    const seen = new Set<string>();
    for (let k = 0; k < rootIndex; k++) {
      const cf = stack[k]!.callFrame;
      if (!cf.url.includes('/src/')) continue;
      const name = frameName(cf, root);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
    let t = trie;
    t.us += us;
    for (let k = rootIndex - 1; k >= 0; k--) {
      const name = frameName(stack[k]!.callFrame, root);
      let next = t.kids.get(name);
      if (!next) t.kids.set(name, (next = { us: 0, kids: new Map() }));
      next.us += us;
      t = next;
    }
  }
  const list = (m: Map<string, number>, limit: number): FrameTime[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([frame, us]) => ({ frame, ms: us / 1000, pct: (us / hot) * 100 }));
  // Descend through wrappers (a single callee holding ≥ 90% of the time) to the pipeline's stages.
  const stagePath = ['verifySync'];
  let at = trie;
  for (;;) {
    const [name, heavy] = [...at.kids.entries()].sort((a, b) => b[1].us - a[1].us)[0] ?? [];
    if (!heavy || !name || heavy.us < 0.9 * at.us || heavy.kids.size === 0) break;
    stagePath.push(name);
    at = heavy;
  }
  const stages = new Map<string, number>([...at.kids.entries()].map(([k, v]) => [k, v.us]));
  const selfOfWrapper = at.us - [...at.kids.values()].reduce((sum, v) => sum + v.us, 0);
  if (selfOfWrapper > 0) stages.set(`(${stagePath[stagePath.length - 1]} itself)`, selfOfWrapper);
  return {
    calls,
    stagePath,
    hotMs: hot / 1000,
    gcMs: gc / 1000,
    perCallUs: calls > 0 ? (hot + gc) / calls : Number.NaN,
    stages: list(stages, 10),
    self: list(new Map([...self].filter(([k]) => !k.startsWith('__name '))), top),
    inclusive: list(new Map([...inclusive].filter(([k]) => !stagePath.includes(k) && !k.startsWith('__name '))), top),
  };
}
