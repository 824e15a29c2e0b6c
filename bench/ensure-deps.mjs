// Run by `npm run bench` before the suite: installs the benchmark's own dependencies (the peer
// libraries and the harness, pinned in bench/package-lock.json) when bench/node_modules is missing or
// does not match the lockfile, and builds dist/ when it is missing (cold start imports the built
// package). Never touches the library's own dependencies.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const rootDir = path.dirname(benchDir);

function npm(args, cwd) {
  // Under `npm run`, npm_execpath is npm's own CLI script: run it with this node.
  const execPath = process.env.npm_execpath;
  const [cmd, argv] = execPath && /\.c?js$/.test(execPath) ? [process.execPath, [execPath, ...args]] : [process.platform === 'win32' ? 'npm.cmd' : 'npm', args];
  console.error(`bench: ${['npm', ...args].join(' ')}${cwd === rootDir ? '' : ` (in ${path.relative(rootDir, cwd) || '.'})`}`);
  const r = spawnSync(cmd, argv, { cwd, stdio: ['ignore', 'inherit', 'inherit'], shell: process.platform === 'win32' });
  if (r.status !== 0) {
    console.error(`bench: npm ${args.join(' ')} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
}

/** Every package the lockfile names is installed at the locked version. */
function benchDepsMatchLock() {
  const lock = JSON.parse(readFileSync(path.join(benchDir, 'package-lock.json'), 'utf8'));
  for (const [where, entry] of Object.entries(lock.packages ?? {})) {
    if (!where.startsWith('node_modules/') || entry.optional) continue;
    const manifest = path.join(benchDir, where, 'package.json');
    if (!existsSync(manifest)) return false;
    if (JSON.parse(readFileSync(manifest, 'utf8')).version !== entry.version) return false;
  }
  return true;
}

if (!existsSync(path.join(rootDir, 'node_modules', 'tsx'))) {
  console.error('bench: the project is not installed; run `npm ci` at the repository root first.');
  process.exit(1);
}
if (!benchDepsMatchLock()) npm(['ci', '--no-audit', '--no-fund'], benchDir);
if (!existsSync(path.join(rootDir, 'dist', 'index.js'))) npm(['run', 'build'], rootDir);
