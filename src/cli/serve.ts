// `samlguard serve --config samlguard.json [--host H] [--port N]`: run the external authorization service
// until SIGTERM or SIGINT, then stop accepting connections and let in-flight requests finish.
import { isSamlGuardError } from '../errors.js';
import { loadServeConfig } from '../server/config.js';
import { createAuthService } from '../server/service.js';
import { EXIT, type CliIo } from './io.js';

export async function serveCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let config = io.env['SAMLGUARD_CONFIG'];
  const env = { ...io.env };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = argv[i + 1];
    if (a === '--config' && value !== undefined) config = argv[++i];
    else if (a === '--host' && value !== undefined) env['SAMLGUARD_HOST'] = argv[++i];
    else if (a === '--port' && value !== undefined) env['SAMLGUARD_PORT'] = argv[++i];
    else {
      io.stderr.write(`samlguard serve: unknown argument "${a.slice(0, 40)}". Usage: samlguard serve --config <file.json> [--host H] [--port N]\n`);
      return EXIT.USAGE;
    }
  }
  if (config === undefined) {
    io.stderr.write('samlguard serve: give --config <file.json> (or SAMLGUARD_CONFIG).\n');
    return EXIT.USAGE;
  }
  let service;
  try {
    const { resolve } = await import('node:path');
    service = createAuthService(loadServeConfig(resolve(io.cwd, config), env));
  } catch (err) {
    if (!isSamlGuardError(err)) throw err;
    io.stderr.write(`${err.message}\n`);
    return EXIT.USAGE;
  }
  const { host, port } = await service.listen();
  io.stderr.write(`samlguard serve: listening on http://${host.includes(':') ? `[${host}]` : host}:${port} (check: /auth, health: /healthz)\n`);
  await new Promise<void>((resolveStop) => {
    const stop = (signal: string) => {
      io.stderr.write(`samlguard serve: ${signal}: finishing in-flight requests\n`);
      void service.close().then(resolveStop);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return EXIT.OK;
}
