import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommand, reportUsageError } from './args.js';
import { DEMO_HELP } from './help.js';
import { EXIT, UsageError, type CliIo } from './io.js';

/**
 * The samlguard package root above `start` (dist/ when built, src/cli/ when run from source), or
 * undefined. Found by name, so an unrelated package.json higher up is never mistaken for it.
 */
export function findPackageRoot(start: string): string | undefined {
  let dir = start;
  for (let i = 0; i < 6; i++) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'samlguard') return dir;
      } catch {
        // not JSON: keep climbing
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/**
 * `samlguard demo`: run examples/demo.ts with tsx, as `npm run demo` does. The demo imports the test
 * fixtures (keys and a test signer), which are deliberately not shipped in the npm package, so it only
 * runs from a source checkout.
 */
export async function demoCommand(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseCommand(argv, { help: { type: 'boolean', short: 'h' } } as const, 'demo');
    if (values['help'] === true) {
      io.stdout.write(DEMO_HELP);
      return EXIT.OK;
    }
    if (positionals.length > 0) throw new UsageError('USAGE', 'samlguard demo takes no arguments.');
    const root = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
    const demo = root === undefined ? undefined : join(root, 'examples', 'demo.ts');
    if (root === undefined || demo === undefined || !existsSync(demo)) {
      throw new UsageError(
        'UNSUPPORTED',
        'The demo ships with the samlguard source repository (examples/demo.ts and the test IdP keys), not with the npm package.',
        'Run it from a checkout: npm ci && npm run demo (or npx samlguard demo there).',
      );
    }
    let tsx: string;
    try {
      tsx = createRequire(join(root, 'package.json')).resolve('tsx/cli');
    } catch {
      throw new UsageError('UNSUPPORTED', 'The demo runs TypeScript with tsx, a dev dependency that is not installed.', 'Run "npm ci" in the checkout first.');
    }
    return await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, [tsx, demo], { cwd: root, stdio: 'inherit' });
      child.on('error', (err) => {
        io.stderr.write(`samlguard demo: could not start the demo: ${err.message}\n`);
        resolve(EXIT.USAGE);
      });
      child.on('exit', (code, signal) => resolve(code ?? (signal ? EXIT.REJECTED : EXIT.OK)));
    });
  } catch (err) {
    if (err instanceof UsageError) return reportUsageError(err, 'demo', false, io);
    throw err;
  }
}
