// Real IdP software the live suites drive. Each is found on this machine or the suite says, loudly, that
// it skipped; under CI (env CI set) a missing program is a failing test, never a silent green run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';

/** Debian's python3 (pysaml2 is installed for it), not whatever `python3` a version manager put first. */
export const SYSTEM_PYTHON = '/usr/bin/python3';
export const SIMPLESAMLPHP_DIR = '/usr/share/simplesamlphp';
/** Debian installs nginx in /usr/sbin, which is not on every PATH. */
export const NGINX = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';

function runs(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

/** What each program needs, and the Debian packages .ci/run installs for it. */
export const PROGRAMS = {
  xmlsec1: { present: () => runs('xmlsec1', ['--version']), packages: 'xmlsec1' },
  pysaml2: { present: () => runs(SYSTEM_PYTHON, ['-c', 'import saml2.server']), packages: 'python3-pysaml2 xmlsec1' },
  nginx: { present: () => runs(NGINX, ['-v']), packages: 'nginx' },
  simplesamlphp: {
    present: () => existsSync(`${SIMPLESAMLPHP_DIR}/www/index.php`) && runs('php', ['-r', 'exit(extension_loaded("dom") && extension_loaded("openssl") ? 0 : 1);']),
    packages: 'simplesamlphp php-cli php-xml php-mbstring',
  },
} as const;

export type ProgramName = keyof typeof PROGRAMS;

/**
 * Whether `program` is usable. When it is not: under CI register a test that FAILS saying what to
 * install; elsewhere warn and register a skipped test, so the skip shows in the summary.
 */
export function programPresent(program: ProgramName, suite: string): boolean {
  const p = PROGRAMS[program];
  if (p.present()) return true;
  const why = `${program} is not installed (Debian: apt-get install ${p.packages})`;
  const ci = process.env['CI'];
  if (ci !== undefined && ci !== '') {
    describe(suite, () => {
      it(`requires ${program}`, () => {
        throw new Error(`${suite}: ${why}; CI is set, so this fails instead of skipping.`);
      });
    });
  } else {
    console.warn(`[${suite}] SKIPPED: ${why}`);
    describe.skip(`${suite} (SKIPPED: ${why})`, () => {
      it(`needs ${program}`, () => undefined);
    });
  }
  return false;
}

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
