import type { KeyObject } from 'node:crypto';
import { SamlGuardError } from '../errors.js';
import { importTrustedKeys, type KeyInput, type TrustedKey } from '../keys/index.js';
import type { VerifyOptions } from '../types.js';
import { createRoleMapper, type RoleMapper, type RoleRule } from '../index.js';
import { createVerifier, type Verifier } from '../verifier.js';
import { readBoundedFile, MAX_READ_BYTES } from './input.js';
import { UsageError, type CliIo } from './io.js';

/** How long a metadata URL may take, end to end. */
export const METADATA_TIMEOUT_MS = 10_000;

/** The verify flags that shape the verifier, as parsed from the command line. */
export interface VerifyFlags {
  metadata?: string;
  cert?: string[];
  'entity-id'?: string;
  audience?: string[];
  recipient?: string;
  'in-response-to'?: string;
  now?: string;
  'clock-skew'?: string;
  'allow-sha1'?: boolean;
  'allow-missing-audience-restriction'?: boolean;
  'allow-missing-subject-confirmation-data'?: boolean;
  'allow-empty-reference-uri'?: boolean;
  'min-rsa-key-bits'?: string;
  'require-signed-assertion'?: boolean;
  'decryption-key'?: string[];
  roles?: string;
}

/** A ready verifier and the facts about its configuration the report shows. */
export interface LoadedConfig {
  readonly verifier: Verifier;
  /** The verifier options, minus the SP private keys (not kept where a report could ever print them). */
  readonly options: Omit<VerifyOptions, 'sp'>;
  /** The trusted IdP entityID (from --entity-id or the metadata). */
  readonly entityId: string;
  /** The compiled --roles rule set, when given. */
  readonly roles: RoleMapper | undefined;
  readonly rolesSource: string | undefined;
  /** The instant verification uses (fixed once, so the report and the verdict agree on "now"). */
  readonly nowMs: number;
  readonly nowGiven: boolean;
  readonly skewSeconds: number;
  readonly audiences: readonly string[];
  readonly recipient: string | undefined;
  readonly inResponseTo: string | undefined;
  /** Where the entityID came from, for hints ("--entity-id" or "the metadata entityID"). */
  readonly entityIdSource: string;
  readonly metadataSource: string | undefined;
  /** The --decryption-key files (their content is never printed). */
  readonly decryptionKeyFiles: readonly string[];
}

// The same rule as the library's `now` option: an ISO 8601 instant with an explicit zone.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Parse --now (epoch ms), or undefined when absent; anything but an ISO instant with a zone is a usage error. */
export function parseNowFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = ISO_INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new UsageError('USAGE', `--now must be an ISO 8601 instant with a zone, e.g. 2026-01-15T10:01:00Z; got ${JSON.stringify(value.slice(0, 40))}.`);
  return ms;
}

/** Option names in library messages, as the CLI user knows them. */
const FLAG_NAMES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bidp\.entityId\b/g, '--entity-id'],
  [/\bidp\.metadata\b/g, '--metadata'],
  [/\bidp\.certificates\b/g, '--cert'],
  [/\bclockSkewSeconds\b/g, '--clock-skew'],
  [/\bminRsaKeyBits\b/g, '--min-rsa-key-bits'],
  [/\baudience\[\d+\]/g, '--audience'],
  [/\ballowMissingAudienceRestriction\b/g, '--allow-missing-audience-restriction'],
  // No CLI flag trusts expired metadata: --now (judging an old response as of its time) covers that need.
  [/, or opt in with idp\.allowExpiredMetadata/g, ''],
];

/** Rephrase a library CONFIG_INVALID message in terms of CLI flags. */
export function inFlagTerms(message: string): string {
  return FLAG_NAMES.reduce((m, [re, flag]) => m.replace(re, flag), message);
}

function parseSeconds(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+(?:\.\d+)?$/.test(value.trim())) throw new UsageError('USAGE', `${flag} must be a number of seconds, got ${JSON.stringify(value.slice(0, 40))}.`);
  return Number(value);
}

function parseInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw new UsageError('USAGE', `${flag} must be a whole number, got ${JSON.stringify(value.slice(0, 40))}.`);
  return Number(value);
}

/**
 * Fetch IdP metadata over HTTP(S): the only network access the CLI ever makes, and only when asked
 * with a URL. Bounded in time ({@link METADATA_TIMEOUT_MS}) and size ({@link MAX_READ_BYTES}).
 */
export async function fetchMetadata(url: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(METADATA_TIMEOUT_MS), redirect: 'follow', headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml;q=0.9, */*;q=0.1' } });
  } catch (err) {
    const cause = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    throw new UsageError(
      'METADATA_FETCH',
      `Could not fetch --metadata ${url}: ${timedOut ? `no answer within ${METADATA_TIMEOUT_MS / 1000} s` : cause.slice(0, 200)}.`,
      'A metadata URL needs network access. Download the metadata (e.g. with a browser) and pass the file: --metadata idp-metadata.xml.',
    );
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new UsageError('METADATA_FETCH', `Fetching --metadata ${url} failed: HTTP ${res.status} ${res.statusText}.`.replace(/ \./, '.'), 'Check the URL (the IdP shows it as "Metadata URL" / "App Federation Metadata Url"), or download the file and pass its path.');
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body?.getReader();
  for (;;) {
    const next = reader ? await reader.read() : { done: true as const, value: undefined };
    if (next.done) break;
    total += next.value.byteLength;
    if (total > MAX_READ_BYTES) {
      await reader?.cancel();
      throw new UsageError('METADATA_FETCH', `--metadata ${url} is larger than ${MAX_READ_BYTES / 1024 / 1024} MiB; that is not IdP metadata.`);
    }
    chunks.push(next.value);
  }
  return Buffer.concat(chunks);
}

/** Import one --cert file, with errors that name the file rather than an array index. */
function importCertFile(file: string, bytes: Buffer): TrustedKey[] {
  const label = `--cert ${file}`;
  // Text (PEM or base64) or binary DER: the library takes either, but must be told which.
  const text = bytes.toString('utf8');
  const input: KeyInput = /^[\x09\x0a\x0d\x20-\x7e]*$/.test(text) ? text : bytes;
  try {
    return importTrustedKeys([input], label);
  } catch (err) {
    if (err instanceof SamlGuardError) throw new UsageError('CONFIG_INVALID', inFlagTerms(err.message.split(`${label}[0]`).join(label)));
    throw err;
  }
}

/**
 * Read and compile a --roles rule file with the library's role mapper: a JSON array of rules such as
 * { "attribute": "groups", "equals": "admins", "role": "admin" }. Invalid rules are a configuration
 * error (exit 2), found before any response is read.
 */
async function loadRoles(file: string, io: CliIo): Promise<RoleMapper> {
  const text = (await readBoundedFile(file, io, '--roles file')).toString('utf8');
  let rules: unknown;
  try {
    rules = JSON.parse(text);
  } catch (err) {
    throw new UsageError('CONFIG_INVALID', `--roles ${file} is not valid JSON: ${(err as Error).message.slice(0, 200)}`);
  }
  if (!Array.isArray(rules)) {
    throw new UsageError('CONFIG_INVALID', `--roles ${file} must hold a JSON array of rules, e.g. [{ "attribute": "groups", "equals": "admins", "role": "admin" }].`);
  }
  try {
    return createRoleMapper(rules as RoleRule[]);
  } catch (err) {
    if (err instanceof SamlGuardError) throw new UsageError('CONFIG_INVALID', `--roles ${file}: ${err.message}`);
    throw err;
  }
}

/**
 * Turn verify flags into a library verifier. Everything the library can check at configuration time
 * is checked here (exit 2), before any response is read.
 */
export async function loadConfig(flags: VerifyFlags, io: CliIo, clock: () => number = Date.now): Promise<LoadedConfig> {
  const certFiles = flags.cert ?? [];
  if (flags.metadata === undefined && certFiles.length === 0) {
    throw new UsageError('USAGE', 'No trusted IdP key: give --metadata <file|url>, or --cert <file> with --entity-id <id>.');
  }
  if (flags.metadata === undefined && flags['entity-id'] === undefined) {
    throw new UsageError('USAGE', '--entity-id is required with --cert: every Issuer is checked against it.', 'It is the IdP entityID (Okta: "Identity Provider Issuer"; Entra ID: "Microsoft Entra Identifier"). `samlguard inspect <file>` shows the Issuer the response claims.');
  }
  const audiences = flags.audience ?? [];
  if (audiences.length === 0) {
    throw new UsageError('USAGE', '--audience is required: your SP entity ID, as configured at the IdP.', '`samlguard inspect <file>` shows the Audience the response names (do not copy it blindly: it must be YOUR SP entity ID).');
  }
  const givenNow = parseNowFlag(flags.now);
  const skew = parseSeconds(flags['clock-skew'], '--clock-skew');
  const minRsaKeyBits = parseInteger(flags['min-rsa-key-bits'], '--min-rsa-key-bits');

  let metadata: Uint8Array | undefined;
  if (flags.metadata !== undefined) {
    if (/^https?:\/\//i.test(flags.metadata)) metadata = await fetchMetadata(flags.metadata);
    else if (/^[a-z][a-z0-9+.-]+:\/\//i.test(flags.metadata)) throw new UsageError('USAGE', `--metadata accepts a file or an http(s) URL, not ${JSON.stringify(flags.metadata.slice(0, 80))}.`);
    else metadata = await readBoundedFile(flags.metadata, io, '--metadata file');
  }
  const keys: TrustedKey[] = [];
  for (const file of certFiles) keys.push(...importCertFile(file, await readBoundedFile(file, io, '--cert file')));
  // SP private keys: handed to the library as read, never echoed (its errors name the option, not the key).
  const decryptionKeyFiles = flags['decryption-key'] ?? [];
  const decryptionKeys: Array<string | Uint8Array> = [];
  for (const file of decryptionKeyFiles) {
    const bytes = await readBoundedFile(file, io, '--decryption-key file');
    decryptionKeys.push(bytes.includes('-----BEGIN') ? bytes.toString('utf8') : new Uint8Array(bytes));
  }

  const nowMs = givenNow ?? clock();
  const options: VerifyOptions = {
    idp: {
      ...(flags['entity-id'] === undefined ? {} : { entityId: flags['entity-id'] }),
      ...(metadata === undefined ? {} : { metadata }),
      ...(keys.length === 0 ? {} : { certificates: keys.map((k) => k.certificate ?? (k.key as KeyObject)) }),
    },
    audience: audiences,
    now: nowMs,
    ...(flags.recipient === undefined ? {} : { recipient: flags.recipient }),
    ...(flags['in-response-to'] === undefined ? {} : { inResponseTo: flags['in-response-to'] }),
    ...(skew === undefined ? {} : { clockSkewSeconds: skew }),
    ...(minRsaKeyBits === undefined ? {} : { minRsaKeyBits }),
    ...(flags['allow-sha1'] === true ? { allowSha1: true } : {}),
    ...(flags['allow-missing-audience-restriction'] === true ? { allowMissingAudienceRestriction: true } : {}),
    ...(flags['allow-missing-subject-confirmation-data'] === true ? { allowMissingSubjectConfirmationData: true } : {}),
    ...(flags['allow-empty-reference-uri'] === true ? { allowEmptyReferenceUri: true } : {}),
    ...(flags['require-signed-assertion'] === true ? { requireSignedAssertion: true } : {}),
    ...(decryptionKeys.length === 0 ? {} : { sp: { decryptionKeys } }),
  };
  let verifier: Verifier;
  try {
    verifier = createVerifier(options);
  } catch (err) {
    if (err instanceof SamlGuardError) {
      const where = err.message.startsWith('idp.metadata') && flags.metadata !== undefined ? ` (${flags.metadata})` : '';
      const message = err.message.replace(/\bsp\.decryptionKeys\[(\d+)\]/g, (_, i: string) => `--decryption-key ${decryptionKeyFiles[Number(i)] ?? ''}`.trimEnd());
      const encryptedPem = decryptionKeys.some((k) => typeof k === 'string' && k.includes('ENCRYPTED'));
      throw new UsageError(
        'CONFIG_INVALID',
        inFlagTerms(message).replace(/^--metadata/, `--metadata${where}`),
        encryptedPem ? 'The CLI does not take key passphrases (they would end up in shell history); use the library with { key, passphrase }, or an unencrypted copy of the key kept private.' : undefined,
      );
    }
    throw err;
  }
  const { sp: _keys, ...policy } = options;
  return {
    verifier,
    options: policy,
    entityId: verifier.entityId ?? flags['entity-id'] ?? '',
    roles: flags.roles === undefined ? undefined : await loadRoles(flags.roles, io),
    rolesSource: flags.roles,
    nowMs,
    nowGiven: flags.now !== undefined,
    skewSeconds: skew ?? 60,
    audiences,
    recipient: flags.recipient,
    inResponseTo: flags['in-response-to'],
    entityIdSource: flags['entity-id'] !== undefined ? '--entity-id' : 'the metadata entityID',
    metadataSource: flags.metadata,
    decryptionKeyFiles,
  };
}
