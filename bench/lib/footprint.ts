/**
 * Installed footprint: a package's own files plus the transitive closure of its runtime `dependencies`
 * (and optionalDependencies), resolved the way Node resolves them (nested node_modules first, then up).
 * samlguard: the files its package.json publishes ("files", plus package.json) and its dependencies from
 * the project's node_modules; peers: from bench/node_modules. Sizes are apparent file sizes (bytes).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Footprint {
  /** Runtime dependencies, transitively (the package itself not counted). */
  dependencies: string[];
  /** Bytes of the package's own files. */
  ownBytes: number;
  /** Bytes of the package and all its runtime dependencies. */
  totalBytes: number;
}

interface Manifest {
  name?: string;
  version?: string;
  files?: string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Bytes under `p`, not descending into nested node_modules (those are dependencies, counted once each). */
function bytesOf(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const entry of readdirSync(p, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const full = path.join(p, entry.name);
    if (entry.isSymbolicLink()) continue;
    total += entry.isDirectory() ? bytesOf(full) : statSync(full).size;
  }
  return total;
}

/** Node's lookup: <from>/node_modules/<name>, then each parent's, up to the filesystem root. */
function resolvePackageDir(name: string, fromDir: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function closure(startDir: string, manifest: Manifest): { dirs: Map<string, string>; missing: string[] } {
  const dirs = new Map<string, string>(); // resolved dir -> name@version
  const missing: string[] = [];
  const visit = (dir: string, m: Manifest): void => {
    for (const name of Object.keys({ ...m.dependencies, ...m.optionalDependencies })) {
      const depDir = resolvePackageDir(name, dir);
      if (depDir === undefined) {
        if (!m.optionalDependencies?.[name]) missing.push(name);
        continue;
      }
      if (dirs.has(depDir)) continue;
      const dm = readManifest(depDir);
      dirs.set(depDir, `${dm.name ?? name}@${dm.version ?? '?'}`);
      visit(depDir, dm);
    }
  };
  visit(startDir, manifest);
  return { dirs, missing };
}

/** The published package at `projectDir` (its "files"), with dependencies from its node_modules. */
export function projectFootprint(projectDir: string): Footprint {
  const manifest = readManifest(projectDir);
  let own = statSync(path.join(projectDir, 'package.json')).size;
  for (const f of manifest.files ?? []) {
    const p = path.join(projectDir, f);
    if (existsSync(p)) own += bytesOf(p);
  }
  const { dirs } = closure(projectDir, manifest);
  let deps = 0;
  for (const d of dirs.keys()) deps += bytesOf(d);
  return { dependencies: [...new Set(dirs.values())].sort(), ownBytes: own, totalBytes: own + deps };
}

/** An installed package `name`, looked up from `fromDir` (e.g. bench/). */
export function installedFootprint(name: string, fromDir: string): Footprint {
  const dir = resolvePackageDir(name, fromDir);
  if (dir === undefined) throw new Error(`${name} is not installed under ${fromDir}`);
  const manifest = readManifest(dir);
  const own = bytesOf(dir);
  const { dirs } = closure(dir, manifest);
  let deps = 0;
  for (const d of dirs.keys()) deps += bytesOf(d);
  return { dependencies: [...new Set(dirs.values())].sort(), ownBytes: own, totalBytes: own + deps };
}
