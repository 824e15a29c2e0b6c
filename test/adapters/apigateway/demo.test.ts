// `npm run demo` is the README's main job: it must keep running clean (exit 0, every outcome expected).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('npm run demo', () => {
  it('runs the whole path and reports every outcome as expected', () => {
    const run = spawnSync(process.execPath, [`${root}node_modules/tsx/dist/cli.mjs`, 'examples/demo.ts'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('All outcomes as expected.');
    expect(run.stdout).not.toContain('✘');
    for (const code of ['DIGEST_MISMATCH', 'EXPIRED', 'KEY_NOT_TRUSTED', 'NO_ROLE', 'ROUTE_NOT_PERMITTED', 'REPLAYED', 'invalid_grant']) expect(run.stdout).toContain(code);
    expect(run.stdout).toContain('credential Bearer');
  });
});
