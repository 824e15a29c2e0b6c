// npm run mutate:rooms: the mutation score of each security room, from what Stryker has recorded.
// Reads the committed incremental file (every mutant's last result, kept across runs) and the listed
// survivors; runs nothing. A file whose source changed since its last run is marked stale, and a file in
// the `mutate` globs that was never run is listed as such: run `npm run mutate -- --mutate <files>`.
//
//   raw   = killed / (killed + survived)                      (timeouts count as killed, ignored mutants not at all)
//   score = killed / (killed + survivors not listed)          (listed survivors are equivalent or harmless, each with its reason)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const config = JSON.parse(readFileSync('stryker.config.json', 'utf8'));
const record = JSON.parse(readFileSync(config.incrementalFile, 'utf8'));
const accepted = JSON.parse(readFileSync('test/mutation/accepted-survivors.json', 'utf8'));

function globToRegExp(glob) {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
}
const include = config.mutate.filter((g) => !g.startsWith('!')).map(globToRegExp);
const exclude = config.mutate.filter((g) => g.startsWith('!')).map((g) => globToRegExp(g.slice(1)));
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
const files = walk('src').filter((f) => include.some((r) => r.test(f)) && !exclude.some((r) => r.test(f))).sort();

/** True when a file holds statements Stryker could mutate (not only imports, re-exports and types). */
function hasCode(source) {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  return /\b(function|class|const|let|var|if|for|while|return|new)\b|=>/.test(code);
}

const rooms = new Map();
for (const file of files) {
  const room = file.split('/').length > 2 ? file.split('/').slice(0, 2).join('/') : file.replace(/\.ts$/, '');
  const r = rooms.get(room) ?? { killed: 0, survived: 0, listed: 0, stale: [], never: [] };
  rooms.set(room, r);
  const result = record.files[file];
  if (result === undefined) {
    // Re-exports and type declarations give Stryker nothing to mutate, so it records nothing for them.
    if (!hasCode(readFileSync(file, 'utf8'))) continue;
    r.never.push(file);
    continue;
  }
  if (existsSync(file) && readFileSync(file, 'utf8') !== result.source) r.stale.push(file);
  for (const m of result.mutants) {
    if (m.status === 'Killed' || m.status === 'Timeout') r.killed++;
    else if (m.status === 'Survived' || m.status === 'NoCoverage') {
      r.survived++;
      if (`${file}:${m.location.start.line}:${m.location.start.column}:${m.mutatorName}` in accepted) r.listed++;
    }
  }
}

const pct = (a, b) => (b === 0 ? '—' : `${((100 * a) / b).toFixed(1)}%`);
console.log('| room | killed | survived (listed) | raw | score | ≥ 95% | not current |');
console.log('| --- | ---: | ---: | ---: | ---: | --- | --- |');
for (const [room, r] of rooms) {
  const score = r.killed + r.survived - r.listed;
  const ok = r.never.length === 0 && r.stale.length === 0 && score > 0 && r.killed / score >= 0.95;
  const notes = [...r.stale.map((f) => `${f.split('/').pop()} stale`), ...r.never.map((f) => `${f.split('/').pop()} never run`)].join(', ');
  console.log(`| ${room} | ${r.killed} | ${r.survived} (${r.listed}) | ${pct(r.killed, r.killed + r.survived)} | ${pct(r.killed, score)} | ${ok ? 'yes' : 'no'} | ${notes} |`);
}
