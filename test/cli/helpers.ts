/*
 * Running the BUILT CLI (dist/cli.js) as a process, as users and CI do. When dist/cli.js is missing or
 * older than the sources, only the CLI bundle is rebuilt, with the CLI entry of tsup.config.ts, into a
 * temporary folder and then renamed into place: `npm run build` would empty dist/ under the feet of
 * test/package, which reads it concurrently, and rebuild the typings too (tens of seconds).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Options } from 'tsup';
import tsupConfig from '../../tsup.config.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(ROOT, 'dist', 'cli.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function isStale(): boolean {
  if (!existsSync(CLI)) return true;
  const built = statSync(CLI).mtimeMs;
  const inputs = Math.max(newestSource(join(ROOT, 'src')), statSync(join(ROOT, 'package.json')).mtimeMs, statSync(join(ROOT, 'tsup.config.ts')).mtimeMs);
  return inputs > built;
}

/**
 * Run `fn` holding a lock shared by the test files (each runs in its own worker): one builds, the others
 * wait and then find the bundle fresh. A lock left by a killed run is taken over after a minute.
 */
async function withBuildLock(fn: () => Promise<void>): Promise<void> {
  const lock = join(ROOT, 'dist', '.cli-build.lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 60_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Make sure dist/cli.js exists and is built from the current sources. */
export async function ensureCli(): Promise<string> {
  if (!isStale()) return CLI;
  await withBuildLock(async () => {
    if (!isStale()) return;
    await buildCli();
  });
  return CLI;
}

async function buildCli(): Promise<void> {
  const configs = typeof tsupConfig === 'function' ? undefined : Array.isArray(tsupConfig) ? tsupConfig : [tsupConfig];
  const cli = configs?.find((c: Options) => typeof c.entry === 'object' && !Array.isArray(c.entry) && 'cli' in c.entry);
  if (cli === undefined) throw new Error('tsup.config.ts has no `cli` entry');
  const tmp = mkdtempSync(join(ROOT, 'dist', '.cli-build-'));
  try {
    await build({ ...cli, entry: { cli: join(ROOT, 'src', 'cli', 'main.ts') }, outDir: tmp, config: false, silent: true });
    renameSync(join(tmp, 'cli.js.map'), `${CLI}.map`);
    renameSync(join(tmp, 'cli.js'), CLI);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `node dist/cli.js ...args`, optionally feeding stdin. Colour is never on: stdout is a pipe. */
export function runCli(args: readonly string[], options: { stdin?: string | Buffer; env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** Parse the single JSON object `--json` prints. */
export function json(result: CliResult): Record<string, any> {
  try {
    return JSON.parse(result.stdout) as Record<string, any>;
  } catch {
    throw new Error(`stdout is not one JSON object (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

/**
 * Run the CLI's run() in this process, from the sources: the same code as dist/cli.js minus the bundle
 * and the process binding. Used where many inputs need the same treatment; the built CLI is still
 * spawned on a sample of them to show the two agree.
 */
export async function runInProcess(args: readonly string[], options: { env?: Record<string, string> } = {}): Promise<CliResult> {
  const { run } = await import('../../src/cli/run.js');
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    stdin: { isTTY: false, async *[Symbol.asyncIterator]() {} },
    env: { ...options.env },
    cwd: ROOT,
  });
  return { code, stdout, stderr };
}
