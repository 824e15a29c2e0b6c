import { SamlGuardError } from '../errors.js';
import { mapRoles } from '../index.js';
import type { VerifiedAssertion } from '../types.js';
import { onePositional, parseCommand, reportUsageError } from './args.js';
import { NOT_MESSAGE_CODES } from './checks.js';
import { inFlagTerms, loadConfig, type VerifyFlags } from './config.js';
import { readFacts, type DocumentFacts } from './facts.js';
import { VERIFY_HELP } from './help.js';
import { hintFor } from './hints.js';
import { readSource, toSamlInput, type SamlInput } from './input.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { buildChecks, renderHuman, reportJson, type ReportInput } from './report.js';
import { colorEnabled, jsonStringify, makeStyle } from './text.js';

const VERIFY_OPTIONS = {
  metadata: { type: 'string' },
  cert: { type: 'string', multiple: true },
  'entity-id': { type: 'string' },
  audience: { type: 'string', multiple: true },
  recipient: { type: 'string' },
  'in-response-to': { type: 'string' },
  now: { type: 'string' },
  'clock-skew': { type: 'string' },
  'allow-sha1': { type: 'boolean' },
  'min-rsa-key-bits': { type: 'string' },
  'allow-missing-audience-restriction': { type: 'boolean' },
  'allow-missing-subject-confirmation-data': { type: 'boolean' },
  'allow-empty-reference-uri': { type: 'boolean' },
  'require-signed-assertion': { type: 'boolean' },
  'decryption-key': { type: 'string', multiple: true },
  roles: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * `samlguard verify`: run the library's verifier on one response and explain its verdict. The library
 * is the single source of truth; the CLI only unwraps the transport encoding and reads the (untrusted)
 * document to display facts next to each check.
 */
export async function verifyCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  try {
    const { values, positionals } = parseCommand(argv, VERIFY_OPTIONS, 'verify');
    if (values['help'] === true) {
      io.stdout.write(VERIFY_HELP);
      return EXIT.OK;
    }
    const source = onePositional(positionals, 'verify');
    const config = await loadConfig(values as VerifyFlags, io);
    const raw = await readSource(source, io);

    let input: SamlInput | undefined;
    let result: VerifiedAssertion | undefined;
    let roles: string[] | undefined;
    let error: SamlGuardError | undefined;
    let facts: DocumentFacts | undefined;
    try {
      input = toSamlInput(raw.bytes);
      result = await config.verifier.verify(input.value);
      // Roles are decided by the library too; a mapping error (e.g. GROUPS_OVERAGE) means no decision.
      if (config.roles !== undefined) roles = mapRoles(result, config.roles);
    } catch (err) {
      if (!(err instanceof SamlGuardError)) throw err;
      // Trust configuration problems that surface only per message (expired metadata...) are no verdict.
      if (NOT_MESSAGE_CODES.has(err.code)) {
        const kind = err.code.startsWith('METADATA_') ? (err.code as UsageError['kind']) : 'CONFIG_INVALID';
        throw new UsageError(kind, inFlagTerms(err.message), err.code === 'METADATA_EXPIRED' ? "Download the IdP's current metadata, pass its certificate with --cert and --entity-id, or judge an old response as of its time with --now." : undefined);
      }
      error = err;
    }
    if (input !== undefined) {
      try {
        facts = readFacts(input.value);
      } catch {
        facts = undefined; // unparseable: the verdict (a parse error) already says why
      }
    }
    const failure = error === undefined ? undefined : { code: error.code, path: error.path, message: error.message };
    const report: ReportInput = {
      source: raw.label,
      format: input?.format,
      relayState: input?.relayState,
      config,
      facts,
      result,
      roles,
      failure: failure === undefined ? undefined : { ...failure, hint: hintFor(failure, { facts, config, details: error?.details }) },
    };
    const checks = buildChecks(report);
    io.stdout.write(json ? `${jsonStringify(reportJson(report, checks))}\n` : renderHuman(report, checks, makeStyle(colorEnabled(io.stdout, io.env))));
    return result !== undefined && error === undefined ? EXIT.OK : EXIT.REJECTED;
  } catch (err) {
    if (err instanceof UsageError) return reportUsageError(err, 'verify', json, io);
    throw err;
  }
}
