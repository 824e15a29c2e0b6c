import { version } from '../../package.json';
import { suggest } from './args.js';
import { demoCommand } from './demo.js';
import { DEMO_HELP, INSPECT_HELP, MAIN_HELP, SERVE_HELP, VERIFY_HELP } from './help.js';
import { inspectCommand } from './inspect.js';
import { EXIT, type CliIo } from './io.js';
import { verifyCommand } from './verify.js';
import { serveCommand } from './serve.js';

const COMMANDS: Record<string, (argv: readonly string[], io: CliIo) => Promise<number>> = {
  verify: verifyCommand,
  inspect: inspectCommand,
  demo: demoCommand,
  serve: serveCommand,
};

const HELP: Record<string, string> = { verify: VERIFY_HELP, inspect: INSPECT_HELP, demo: DEMO_HELP, serve: SERVE_HELP };

/** The samlguard version, as published. */
export const VERSION: string = version;

/**
 * Run the CLI with `argv` (without the node and script paths) and return the exit code. Never calls
 * process.exit, so output is flushed and the function can be driven in-process.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.stderr.write(MAIN_HELP);
    return EXIT.USAGE;
  }
  if (command === '-h' || command === '--help') {
    io.stdout.write(MAIN_HELP);
    return EXIT.OK;
  }
  if (command === 'help') {
    const topic = rest[0];
    if (topic === undefined) io.stdout.write(MAIN_HELP);
    else if (HELP[topic] !== undefined) io.stdout.write(HELP[topic]);
    else {
      io.stderr.write(`samlguard help: unknown command "${topic.slice(0, 40)}". Commands: verify, inspect, demo, serve.\n`);
      return EXIT.USAGE;
    }
    return EXIT.OK;
  }
  if (command === '-v' || command === '--version') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.OK;
  }
  const handler = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (handler === undefined) {
    const close = suggest(command.replace(/^-+/, ''), Object.keys(COMMANDS));
    io.stderr.write(`samlguard: unknown command "${command.slice(0, 40)}".${close ? ` Did you mean "${close}"?` : ''} Commands: verify, inspect, demo, serve. Run "samlguard --help".\n`);
    return EXIT.USAGE;
  }
  return handler(rest, io);
}
