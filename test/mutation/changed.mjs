// npm run mutate:changed [-- <base>]: mutation testing of the security files a change touches, as CI
// runs it. The change is base..HEAD (default: the merge base with origin/main on a branch; on main
// itself, the last commit). Bounded: Stryker's incremental file skips every mutant whose code and tests are unchanged,
// and the run is stopped after MUTATE_MINUTES (default 15). Fails when a behaviour-changing mutant in a
// touched file survives and test/mutation/accepted-survivors.json does not list it with a reason.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const config = JSON.parse(readFileSync('stryker.config.json', 'utf8'));
const git = (...args) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();

function base() {
  if (process.argv[2]) return process.argv[2];
  const attempt = (...args) => {
    try {
      return git(...args);
    } catch {
      return undefined;
    }
  };
  // On a branch: everything since it left main. On main itself (CI's clean clone): the last commit.
  const mergeBase = attempt('merge-base', 'HEAD', 'origin/main');
  const head = attempt('rev-parse', 'HEAD');
  return mergeBase !== undefined && mergeBase !== head ? mergeBase : attempt('rev-parse', 'HEAD~1');
}

function globToRegExp(glob) {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
}
const include = config.mutate.filter((g) => !g.startsWith('!')).map(globToRegExp);
const exclude = config.mutate.filter((g) => g.startsWith('!')).map((g) => globToRegExp(g.slice(1)));

const from = base();
const changed = from === undefined ? [] : git('diff', '--name-only', `${from}..HEAD`).split('\n').filter(Boolean);
const files = changed.filter((f) => existsSync(f) && include.some((r) => r.test(f)) && !exclude.some((r) => r.test(f)));
if (files.length === 0) {
  console.log(`mutate:changed: no security file changed since ${from ?? '(no base)'}; nothing to mutate.`);
  process.exit(0);
}
console.log(`mutate:changed: ${files.join(', ')} (since ${from.slice(0, 12)})`);

const minutes = Number(process.env.MUTATE_MINUTES ?? 15);
const child = spawn('npx', ['stryker', 'run', '--mutate', files.join(',')], { stdio: 'inherit' });
const timer = setTimeout(() => {
  console.error(`mutate:changed: stopped after ${minutes} minutes; run npm run mutate -- --mutate ${files.join(',')} to finish.`);
  child.kill('SIGTERM');
}, minutes * 60_000);
child.on('exit', (code) => {
  clearTimeout(timer);
  if (code !== 0) process.exit(code ?? 1);
  const report = JSON.parse(readFileSync(config.jsonReporter.fileName, 'utf8'));
  const accepted = existsSync('test/mutation/accepted-survivors.json') ? JSON.parse(readFileSync('test/mutation/accepted-survivors.json', 'utf8')) : {};
  const unlisted = [];
  for (const [file, result] of Object.entries(report.files)) {
    if (!files.includes(file)) continue;
    for (const m of result.mutants) {
      if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
      const key = `${file}:${m.location.start.line}:${m.location.start.column}:${m.mutatorName}`;
      if (!(key in accepted)) unlisted.push(`${key} → ${m.replacement ?? ''}`);
    }
  }
  if (unlisted.length > 0) {
    console.error(`mutate:changed: ${unlisted.length} surviving mutant(s) not listed in test/mutation/accepted-survivors.json:\n  ${unlisted.join('\n  ')}`);
    console.error('Kill each with a test (mutate the input, expect the specific code), or list it with the reason it is equivalent or harmless.');
    process.exit(1);
  }
  console.log('mutate:changed: every behaviour-changing mutant in the touched files is killed or listed.');
});
