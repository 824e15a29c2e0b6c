// `samlguard inspect`, `demo`, help and version, run as processes (concurrently, like test/cli/verify.test.ts).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { signedResponse, TEST_IDP, TEST_SP, VALID_NOW } from '../../fixtures/saml.js';
import { ensureCli, json, ROOT, runCli } from './helpers.js';

let dir: string;
const file = (name: string): string => join(dir, name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'samlguard-cli-'));
  const xml = signedResponse({ attributes: { role: ['x'.repeat(5000)] } }, { sign: 'both' });
  writeFileSync(file('form.txt'), `SAMLResponse=${encodeURIComponent(Buffer.from(xml).toString('base64'))}&RelayState=r1`);
  // Signature wrapping: a second, forged Assertion before the signed one.
  writeFileSync(file('wrapped.xml'), xml.replace('<saml:Assertion ', '<saml:Assertion ID="_evil" Version="2.0" IssueInstant="2026-01-15T10:00:00Z"><saml:Issuer>x</saml:Issuer></saml:Assertion><saml:Assertion '));
  writeFileSync(file('doctype.xml'), '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>');
  await ensureCli();
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.concurrent('samlguard inspect', () => {
  it('decodes a form body and shows everything, starting with UNVERIFIED (exit 0)', async ({ expect }) => {
    const r = await runCli(['inspect', file('form.txt'), '--now', VALID_NOW.toISOString()]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^UNVERIFIED — /);
    const out = r.stdout;
    expect(out).toContain('form body → SAMLResponse → XML');
    expect(out).toContain('RelayState r1');
    expect(out).toMatch(new RegExp(`Issuer\\s+${TEST_IDP}`));
    expect(out).toMatch(new RegExp(`Audience\\s+${TEST_SP}`));
    expect(out).toMatch(/NotOnOrAfter\s+2026-01-15T10:05:00\.000Z \(in 4 min\)/);
    expect(out).toMatch(/NameID\s+alice@example\.com \(emailAddress\)/);
    expect(out).toContain('email = alice@example.com');
    expect(out).toContain('Signatures (2)');
    expect(out).toMatch(/on\s+Response \(Response\)/);
    expect(out).toMatch(/on\s+Assertion \(Response\/Assertion\)/);
    expect(out).toContain('→ the Assertion itself');
    expect(out).toMatch(/algorithms\s+rsa-sha256 · digest sha256 · c14n exc-c14n/);
    expect(out).toContain(`SHA-256 ${loadKeyPair('rsa2048').certificate.fingerprint256}`);
    // Bounded output: a 5000-character attribute value is clipped, and says so.
    expect(out).toContain('… (+4880 chars)');
    expect(out).not.toContain('x'.repeat(200));
  });

  it('--json: the facts, marked verified: false, read from stdin', async ({ expect }) => {
    const r = await runCli(['inspect', '-', '--json'], { stdin: signedResponse() });
    expect(r.code, r.stderr).toBe(0);
    const j = json(r);
    expect(j).toMatchObject({ verified: false, decoded: true, input: { source: 'stdin', format: 'xml' } });
    expect(j.warning).toMatch(/^UNVERIFIED/);
    expect(j.primary.nameId).toBe('alice@example.com');
    expect(j.primary.conditions.audiences).toEqual([[TEST_SP]]);
    expect(j.signatures[0].certificates[0].fingerprint).toBe(loadKeyPair('rsa2048').certificate.fingerprint256);
    expect(j.signatures[0].certificates[0]).not.toHaveProperty('der');
  });

  it('points out a signature-wrapping shape; refuses a DOCTYPE like the library (exit 1)', async ({ expect }) => {
    const [wrapped, doctype] = await Promise.all([runCli(['inspect', file('wrapped.xml')]), runCli(['inspect', file('doctype.xml'), '--json'])]);
    expect(wrapped.code).toBe(0);
    expect(wrapped.stdout).toContain('2 Assertion elements: the shape of a signature-wrapping attack');
    expect(doctype.code).toBe(1);
    expect(json(doctype)).toMatchObject({ verified: false, decoded: false, code: 'XML_FORBIDDEN_CONSTRUCT' });
  });
});

describe.concurrent('help, version, usage', () => {
  it('--help for the CLI and each command, with examples; --version', async ({ expect }) => {
    const [main, verify, inspect, demo, version, helpVerify] = await Promise.all([
      runCli(['--help']),
      runCli(['verify', '--help']),
      runCli(['inspect', '-h']),
      runCli(['demo', '--help']),
      runCli(['--version']),
      runCli(['help', 'verify']),
    ]);
    for (const r of [main, verify, inspect, demo, version, helpVerify]) expect(r.code, r.stderr).toBe(0);
    expect(main.stdout).toContain('samlguard verify <file|->');
    expect(main.stdout).toContain('Exit codes:');
    for (const flag of ['--metadata', '--cert', '--entity-id', '--audience', '--recipient', '--in-response-to', '--now', '--clock-skew', '--allow-sha1', '--decryption-key', '--roles', '--allow-missing-audience-restriction', '--allow-missing-subject-confirmation-data', '--allow-empty-reference-uri', '--min-rsa-key-bits', '--require-signed-assertion', '--json']) {
      expect(verify.stdout, flag).toContain(flag);
    }
    expect(verify.stdout).toContain('needs network');
    expect(verify.stdout).toContain('Examples:');
    expect(helpVerify.stdout).toBe(verify.stdout);
    expect(inspect.stdout).toContain('UNVERIFIED');
    expect(demo.stdout).toMatch(/source\s+repository/);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('no command or an unknown one is a usage error (exit 2)', async ({ expect }) => {
    const [none, typo] = await Promise.all([runCli([]), runCli(['verfy'])]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage:');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('Did you mean "verify"?');
  });
});

describe.concurrent('samlguard demo', () => {
  // The demo's own output belongs to examples/demo.ts; this only checks that the CLI runs it and relays its exit code.
  it.runIf(existsSync(join(ROOT, 'examples', 'demo.ts')))('runs examples/demo.ts from the checkout, like npm run demo', async ({ expect }) => {
    const r = await runCli(['demo']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(0);
  });
});
