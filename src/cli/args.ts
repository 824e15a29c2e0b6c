import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, type CliIo } from './io.js';
import { jsonStringify } from './text.js';

type Options = NonNullable<ParseArgsConfig['options']>;

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest known name, when it is close enough to be what the user meant. */
export function suggest(input: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = distance(input, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(input.length / 4)) ? best : undefined;
}

/**
 * Strict argument parsing for one command: unknown flags, missing values and repeated single-valued
 * flags are usage errors (a repeated --recipient silently keeping the last one would hide a mistake).
 */
export function parseCommand<T extends Options>(argv: readonly string[], options: T, command: string): { values: Record<string, unknown>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message);
    if (unknown) {
      const name = unknown[1]!.replace(/^-+/, '').split('=')[0]!;
      const close = suggest(name, Object.keys(options));
      throw new UsageError('USAGE', `Unknown option ${unknown[1]} for "samlguard ${command}".${close ? ` Did you mean --${close}?` : ''}`);
    }
    throw new UsageError('USAGE', `${message.replace(/\. To specify a positional argument.*$/s, '.')}`);
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    const spec = options[token.name];
    if (spec !== undefined && spec.multiple !== true && seen.has(token.name)) throw new UsageError('USAGE', `--${token.name} is given more than once.`);
    seen.add(token.name);
  }
  return { values: parsed.values as Record<string, unknown>, positionals: parsed.positionals };
}

/** The single input argument of verify/inspect. */
export function onePositional(positionals: readonly string[], command: string): string {
  if (positionals.length === 0) throw new UsageError('USAGE', `samlguard ${command} needs the response: a file, or - to read stdin.`);
  if (positionals.length > 1) throw new UsageError('USAGE', `samlguard ${command} takes one response; got ${positionals.length} arguments (${positionals.slice(0, 3).map((p) => JSON.stringify(p.slice(0, 40))).join(', ')}${positionals.length > 3 ? ', …' : ''}). Quote values that contain spaces.`);
  return positionals[0]!;
}

/** Report a UsageError: to stderr for people, as the one JSON object on stdout with --json. Exit 2. */
export function reportUsageError(err: UsageError, command: string, json: boolean, io: CliIo): number {
  if (json) {
    io.stdout.write(`${jsonStringify({ accepted: false, code: err.kind, path: null, message: err.message, hint: err.hint ?? null, checks: [], identity: null })}\n`);
  } else {
    io.stderr.write(`samlguard ${command}: ${err.message}\n${err.hint !== undefined ? `${err.hint}\n` : ''}${err.kind === 'USAGE' ? `Run "samlguard ${command} --help" for usage.\n` : ''}`);
  }
  return 2;
}
