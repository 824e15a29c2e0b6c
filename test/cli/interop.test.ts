/*
 * `samlguard verify` on real IdP responses (../shared/interop/idp-samples), configured from each
 * case.json's verifierOptions exactly as a user would with flags. The CLI must reach the library's own
 * verdict (computed here with the same options): same acceptance, same code and path, the failing check
 * marked once, and hints that name the certificate the response actually carries.
 *
 * Every sample goes through the CLI's run() in-process; the built dist/cli.js is spawned on one sample
 * per distinct outcome (and on those needing opt-in flags) and must print the very same JSON. That keeps
 * the suite to a few dozen processes while every sample is still checked through the CLI.
 * Without the corpus this warns and skips; with CI set it fails (see test/interop/corpus.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SamlGuardError, createVerifier, type VerifyOptions } from '../../src/index.js';
import { corpusPresent, interopPath } from '../interop/corpus.js';
import { ensureCli, json, runCli, runInProcess, type CliResult } from './helpers.js';

interface Case {
  id: string;
  expected: 'accept' | 'reject';
  expectedNameId: string | null;
  verifierOptions: {
    idp: { entityId: string; certificates?: string[]; metadata?: string };
    audience: string | null;
    recipient: string | null;
    inResponseTo: string | null;
    now: string;
  };
}

const ROOT = interopPath('idp-samples');
/** samlguard requires an audience; for a case without one, a value no sample names (as test/interop does). */
const PLACEHOLDER_AUDIENCE = 'urn:samlguard:interop:no-audience-configured';
/** Opt-ins some samples need to be accepted (documented in test/interop/idp-samples.test.ts). */
const OPT_INS: Record<string, { flags: string[]; options: Partial<VerifyOptions> }> = {
  'beeline-1': { flags: ['--allow-missing-audience-restriction', '--allow-missing-subject-confirmation-data'], options: { allowMissingAudienceRestriction: true, allowMissingSubjectConfirmationData: true } },
};

function argsFor(id: string, c: Case): string[] {
  const dir = join(ROOT, id);
  const vo = c.verifierOptions;
  const args = ['verify', join(dir, 'response.xml'), '--json', '--entity-id', vo.idp.entityId, '--audience', vo.audience ?? PLACEHOLDER_AUDIENCE, '--now', vo.now, '--allow-sha1'];
  for (const cert of vo.idp.certificates ?? []) args.push('--cert', join(dir, cert));
  if (vo.idp.metadata) args.push('--metadata', join(dir, vo.idp.metadata));
  if (vo.recipient !== null) args.push('--recipient', vo.recipient);
  if (vo.inResponseTo !== null) args.push('--in-response-to', vo.inResponseTo);
  return [...args, ...(OPT_INS[id]?.flags ?? [])];
}

/** The library's verdict for the same configuration: the reference the CLI must match. */
async function libraryVerdict(id: string, c: Case): Promise<{ accepted: true; nameId: string } | { accepted: false; error: SamlGuardError }> {
  const dir = join(ROOT, id);
  const vo = c.verifierOptions;
  const options: VerifyOptions = {
    idp: {
      entityId: vo.idp.entityId,
      ...(vo.idp.certificates ? { certificates: vo.idp.certificates.map((f) => readFileSync(join(dir, f), 'utf8')) } : {}),
      ...(vo.idp.metadata ? { metadata: readFileSync(join(dir, vo.idp.metadata)) } : {}),
    },
    audience: vo.audience ?? PLACEHOLDER_AUDIENCE,
    now: new Date(vo.now),
    allowSha1: true,
    ...(vo.recipient !== null ? { recipient: vo.recipient } : {}),
    ...(vo.inResponseTo !== null ? { inResponseTo: vo.inResponseTo } : {}),
    ...OPT_INS[id]?.options,
  };
  try {
    const r = await createVerifier(options).verify(readFileSync(join(dir, 'response.xml')));
    return { accepted: true, nameId: r.subject.nameId };
  } catch (err) {
    if (err instanceof SamlGuardError) return { accepted: false, error: err };
    throw err;
  }
}

/** Run `tasks` with at most `limit` at a time (each spawns a process). */
async function pool<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await tasks[i]!();
      }
    }),
  );
  return out;
}

if (corpusPresent(ROOT, 'cli interop idp-samples')) {
  const ids = readdirSync(ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const cases = new Map(ids.map((id) => [id, JSON.parse(readFileSync(join(ROOT, id, 'case.json'), 'utf8')) as Case]));
  const results = new Map<string, CliResult>();
  const verdicts = new Map<string, Awaited<ReturnType<typeof libraryVerdict>>>();
  const spawned = new Map<string, CliResult>();

  beforeAll(async () => {
    await ensureCli();
    for (const id of ids) {
      verdicts.set(id, await libraryVerdict(id, cases.get(id)!));
      results.set(id, await runInProcess(argsFor(id, cases.get(id)!)));
    }
    const outcomeOf = (id: string): string => {
      const v = verdicts.get(id)!;
      return v.accepted ? 'accepted' : v.error.code;
    };
    const sample = ids.filter((id, i) => OPT_INS[id] !== undefined || ids.findIndex((other) => outcomeOf(other) === outcomeOf(id)) === i);
    const outcomes = await pool(
      sample.map((id) => () => runCli(argsFor(id, cases.get(id)!))),
      4,
    );
    sample.forEach((id, i) => spawned.set(id, outcomes[i]!));
  }, 120_000);

  it('the built CLI prints exactly what run() prints, on one sample per outcome', () => {
    expect(spawned.size).toBeGreaterThanOrEqual(5);
    for (const [id, r] of spawned) {
      expect(r.code, id).toBe(results.get(id)!.code);
      expect(r.stdout, id).toBe(results.get(id)!.stdout);
    }
  });

  describe('samlguard verify on real IdP responses', () => {
    it.each(ids)('%s: the same verdict as the library, explained', async (id) => {
      const c = cases.get(id)!;
      const r = results.get(id)!;
      const lib = verdicts.get(id)!;
      const j = json(r);
      expect(r.code, r.stderr).toBe(lib.accepted ? 0 : 1);
      expect(j.accepted).toBe(lib.accepted);
      expect(j.accepted, 'verdict vs case.json').toBe(c.expected === 'accept');
      const statuses = (j.checks as Array<{ status: string }>).map((x) => x.status);
      if (lib.accepted) {
        expect(j.identity.subject.nameId).toBe(lib.nameId);
        if (c.expectedNameId !== null) expect(j.identity.subject.nameId).toBe(c.expectedNameId);
        expect(statuses.every((s) => s === 'pass' || s === 'skip'), statuses.join(',')).toBe(true);
        return;
      }
      expect(j).toMatchObject({ code: lib.error.code, path: lib.error.path ?? null, message: lib.error.message, identity: null });
      expect(statuses.filter((s) => s === 'fail')).toHaveLength(1);
      expect(statuses.slice(statuses.indexOf('fail') + 1).every((s) => s === 'not-run')).toBe(true);
      expect(typeof j.hint).toBe('string');
      if (lib.error.code === 'KEY_NOT_TRUSTED') {
        // The hint names the certificate the response carries, which is not the configured one.
        const claimed = lib.error.details?.['claimedFingerprint'] as string;
        expect(claimed).toMatch(/^[0-9A-F:]{95}$/);
        expect(j.hint).toContain(claimed);
        expect(j.hint).toContain('has the IdP rotated its key?');
        for (const k of j.verifier.keys as Array<{ fingerprint: string }>) expect(j.hint).toContain(k.fingerprint);
      }
      if (lib.error.code === 'DESTINATION_MISMATCH' || lib.error.code === 'AUDIENCE_MISMATCH' || lib.error.code === 'ISSUER_MISMATCH') {
        expect(j.hint).toMatch(/ is .* but you expect /);
      }
    });
  });
}
