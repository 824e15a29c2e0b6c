/**
 * The `samlguard` executable (package.json bin → dist/cli.js). All behaviour lives in run(); this file
 * only binds it to the real process.
 */
import { run } from './run.js';

// `samlguard inspect x | head` closes the pipe early: the reader's choice, not a failure. The verdict's
// exit code is still set when run() returns.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

try {
  process.exitCode = await run(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  });
} catch (err) {
  // A library bug, not a verdict: say so without a stack (set SAMLGUARD_DEBUG=1 to see it), exit 2.
  const detail = process.env['SAMLGUARD_DEBUG'] ? ((err as Error)?.stack ?? String(err)) : ((err as Error)?.message ?? String(err)).slice(0, 500);
  process.stderr.write(`samlguard: internal error: ${detail}\nThis is a bug in samlguard; please report it (without the response, which is a credential).\n`);
  process.exitCode = 2;
}
