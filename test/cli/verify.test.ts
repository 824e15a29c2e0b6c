// `samlguard verify`, run as a process on responses signed by the fixture IdP. The tests only spawn and
// read processes, so they run concurrently (each asserting with its own context's `expect`).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { certPath, keyPath, loadKeyPair } from '../../fixtures/index.js';
import { encryptElement } from '../../fixtures/encrypt.js';
import { idpMetadata } from '../../fixtures/metadata.js';
import { buildResponse, ISSUED_AT, signedResponse, TEST_ACS, TEST_IDP, TEST_SP, VALID_NOW } from '../../fixtures/saml.js';
import { signXml } from '../../fixtures/signer.js';
import { ensureCli, json, runCli } from './helpers.js';

const NOW = VALID_NOW.toISOString();
let dir: string;
const file = (name: string): string => join(dir, name);
const KEYS = ['--cert', certPath('rsa2048'), '--entity-id', TEST_IDP, '--audience', TEST_SP];
const TRUST = [...KEYS, '--recipient', TEST_ACS, '--now', NOW];
const GENUINE_FP = loadKeyPair('rsa2048').certificate.fingerprint256;
const ATTACKER_FP = loadKeyPair('attacker-rsa2048').certificate.fingerprint256;

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'samlguard-cli-'));
  const both = signedResponse({}, { sign: 'both' });
  writeFileSync(file('ok.b64'), Buffer.from(both).toString('base64'));
  writeFileSync(file('ok.xml'), both);
  writeFileSync(file('form.txt'), `SAMLResponse=${encodeURIComponent(Buffer.from(both).toString('base64'))}&RelayState=%2Fdashboard%3Ftab%3D1`);
  writeFileSync(file('attacker.xml'), signedResponse({}, { keyName: 'attacker-rsa2048' }));
  writeFileSync(file('audience.xml'), signedResponse({ audience: 'https://other.example/sp' }));
  writeFileSync(file('tampered.xml'), signedResponse({}, { sign: 'assertion' }).replace('>alice@example.com</saml:NameID>', '>mallory@example.com</saml:NameID>'));
  writeFileSync(file('status.xml'), signedResponse({ statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder' }));
  writeFileSync(file('sha1.xml'), signedResponse({}, { signatureAlgorithm: 'rsa-sha1', digestAlgorithm: 'sha1' }));
  writeFileSync(file('response-only.xml'), signedResponse({}, { sign: 'response' }));
  writeFileSync(file('no-audience.xml'), signedResponse({ audience: null }));
  writeFileSync(file('bidi.xml'), signedResponse({ nameId: 'eve\u202egnp.exe\u200b@example.com' }));
  writeFileSync(file('metadata.xml'), idpMetadata({ signing: ['rsa2048-next', 'rsa2048'] }));
  writeFileSync(file('roles.json'), JSON.stringify([{ attribute: 'http://schemas.xmlsoap.org/claims/Group', equals: 'admins', role: 'admin' }, { nameId: true, glob: '*@example.com', role: 'user-$1' }]));
  writeFileSync(file('overage.xml'), signedResponse({ attributes: { 'http://schemas.microsoft.com/claims/groups.link': ['https://graph.microsoft.com/v1.0/users/x/getMemberObjects'] } }));
  writeFileSync(file('entra-roles.json'), JSON.stringify([{ attribute: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups', equals: 'g1', role: 'admin' }]));
  writeFileSync(file('bad-roles.json'), JSON.stringify([{ attribute: 'groups', role: 'admin' }]));
  writeFileSync(file('garbage.txt'), 'this is not a SAML response');
  const withNotBefore = buildResponse().replace('<saml:SubjectConfirmationData ', `<saml:SubjectConfirmationData NotBefore="${new Date(ISSUED_AT - 5000).toISOString()}" `);
  writeFileSync(file('scd-notbefore.xml'), signXml(withNotBefore, { id: '_a0b1c2d3e4f5061728394a5b6c7d8e9f', key: loadKeyPair('rsa2048').privateKey, certificate: loadKeyPair('rsa2048').certificatePem }));
  // Encrypted to the SP certificate rsa3072 (the assertion signed before encryption, as IdPs do).
  writeFileSync(file('encrypted.xml'), encryptElement(signedResponse(), 'Assertion', { recipient: loadKeyPair('rsa3072').certificatePem }));
  server = createServer((req, res) => {
    if (req.url === '/metadata') {
      res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' }).end(idpMetadata());
    } else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await ensureCli();
}, 120_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe.concurrent('samlguard verify: accepted', () => {
  it('explains every check with ✔, then the identity (exit 0, no colour on a pipe)', async ({ expect }) => {
    const r = await runCli(['verify', file('ok.b64'), ...TRUST]);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout;
    expect(out.split('\n')[0]).toBe('✔ ACCEPTED  alice@example.com');
    for (const row of ['parse', 'response', 'status', 'assertion', 'signature', 'destination', 'issuer (Response)', 'issue instant', 'issuer (Assertion)', 'subject', 'time window', 'audience', 'subject confirmation', 'session', 'attributes', 'expiry']) {
      expect(out).toMatch(new RegExp(`✔ ${row.replace(/[()]/g, '\\$&')}\\s`));
    }
    expect(out).toContain('– in-response-to');
    expect(out).toContain('Response and Assertion signed · rsa-sha256 · digest sha256');
    expect(out).toContain(`SHA-256 ${GENUINE_FP}`);
    expect(out).toContain('valid 2020-01-01T00:00:00.000Z → 2099-12-31T23:59:59.000Z');
    expect(out).toMatch(/expiresAt\s+2026-01-15T10:05:00\.000Z \(in 4 min\)/);
    expect(out).toContain('http://schemas.xmlsoap.org/claims/Group = engineering, admins');
    expect(out).not.toContain('\u001b[');
  });

  it('a bearer SubjectConfirmationData with NotBefore is accepted and reported as a profile deviation, not an error', async ({ expect }) => {
    const human = await runCli(['verify', file('scd-notbefore.xml'), ...TRUST]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('profile deviation: bearer SubjectConfirmationData carries NotBefore');
    const j = json(await runCli(['verify', file('scd-notbefore.xml'), ...TRUST, '--json']));
    expect(j.accepted).toBe(true);
    expect(j.profileDeviations).toHaveLength(1);
    const plain = json(await runCli(['verify', file('ok.xml'), ...TRUST, '--json']));
    expect(plain.profileDeviations).toEqual([]);
  });

  it('--json: one object with accepted, checks[] and identity; a form body on stdin is URL-decoded', async ({ expect }) => {
    const body = `SAMLResponse=${encodeURIComponent(Buffer.from(signedResponse({}, { sign: 'both' })).toString('base64'))}&RelayState=%2Fdashboard`;
    const r = await runCli(['verify', '-', ...TRUST, '--json'], { stdin: body });
    expect(r.code, r.stderr).toBe(0);
    const j = json(r);
    expect(j).toMatchObject({ accepted: true, code: null, path: null, message: null, hint: null });
    expect(j.input).toMatchObject({ source: 'stdin', format: 'form', relayState: '/dashboard' });
    expect(j.identity.subject.nameId).toBe('alice@example.com');
    expect(j.identity.attributes).toEqual({ email: ['alice@example.com'], 'http://schemas.xmlsoap.org/claims/Group': ['engineering', 'admins'] });
    expect(j.identity.expiresAt).toBe('2026-01-15T10:05:00.000Z');
    expect(j.identity.signature).toMatchObject({ covered: 'both', certificateFingerprint: GENUINE_FP });
    expect(j.identity.roles).toBeNull();
    expect(j.checks.map((c: { status: string }) => c.status)).not.toContain('fail');
    expect(j.checks.find((c: { id: string }) => c.id === 'in-response-to').status).toBe('skip');
  });

  it('--metadata file: trusts its entityID and every signing key (rotation); --roles maps roles with the library', async ({ expect }) => {
    const r = await runCli(['verify', file('form.txt'), '--metadata', file('metadata.xml'), '--audience', TEST_SP, '--now', NOW, '--roles', file('roles.json'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = json(r);
    expect(j.accepted).toBe(true);
    expect(j.verifier.entityId).toBe(TEST_IDP);
    expect(j.verifier.keys).toHaveLength(2);
    expect(j.identity.roles).toEqual(['admin', 'user-alice']);
    expect(j.checks.at(-1)).toMatchObject({ id: 'roles', status: 'pass', detail: ['admin, user-alice'] });
    expect(j.input.relayState).toBe('/dashboard?tab=1');
  });

  it('--roles: a mapping the library cannot decide (Entra groups overage) rejects at the roles check, identity shown', async ({ expect }) => {
    const r = await runCli(['verify', file('overage.xml'), ...TRUST, '--roles', file('entra-roles.json'), '--json']);
    expect(r.code).toBe(1);
    const j = json(r);
    expect(j).toMatchObject({ accepted: false, code: 'GROUPS_OVERAGE' });
    expect(j.identity.subject.nameId).toBe('alice@example.com');
    expect(j.identity.roles).toBeNull();
    expect(j.checks.at(-1)).toMatchObject({ id: 'roles', status: 'fail' });
    expect(j.checks.filter((c: { status: string }) => c.status === 'fail')).toHaveLength(1);
  });

  it('--metadata URL: fetched over HTTP (the only network access)', async ({ expect }) => {
    const r = await runCli(['verify', file('ok.xml'), '--metadata', `${baseUrl}/metadata`, '--audience', TEST_SP, '--now', NOW]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`metadata ${baseUrl}/metadata`);
  });

  it('opt-ins are flags and are named in the report: --allow-sha1, --allow-missing-audience-restriction', async ({ expect }) => {
    const [sha1, noAudience] = await Promise.all([
      runCli(['verify', file('sha1.xml'), ...TRUST, '--allow-sha1', '--json']),
      runCli(['verify', file('no-audience.xml'), ...TRUST, '--allow-missing-audience-restriction']),
    ]);
    expect(sha1.code, sha1.stdout).toBe(0);
    expect(json(sha1).identity.signature.algorithm).toBe('http://www.w3.org/2000/09/xmldsig#rsa-sha1');
    expect(noAudience.code, noAudience.stdout).toBe(0);
    expect(noAudience.stdout).toMatch(/opt-ins\s+--allow-missing-audience-restriction/);
  });

  it('--decryption-key: an EncryptedAssertion is decrypted by the library; without it, DECRYPTION_KEY_MISSING says what to pass', async ({ expect }) => {
    const [ok, missing, wrong] = await Promise.all([
      runCli(['verify', file('encrypted.xml'), ...TRUST, '--decryption-key', keyPath('rsa3072')]),
      runCli(['verify', file('encrypted.xml'), ...TRUST, '--json']),
      runCli(['verify', file('encrypted.xml'), ...TRUST, '--decryption-key', keyPath('rsa2048-next'), '--json']),
    ]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain('EncryptedAssertion decrypted with --decryption-key');
    expect(ok.stdout).toMatch(/✔ audience\s+https:\/\/sp\.samlguard\.test\/metadata/);
    expect(ok.stdout).not.toContain('PRIVATE KEY');
    expect(missing.code).toBe(1);
    expect(json(missing)).toMatchObject({ code: 'DECRYPTION_KEY_MISSING', path: 'Response' });
    expect(json(missing).hint).toContain('--decryption-key');
    expect(json(missing).checks.find((c: { id: string }) => c.id === 'assertion').status).toBe('fail');
    expect(wrong.code).toBe(1);
    expect(json(wrong)).toMatchObject({ code: 'DECRYPTION_FAILED' });
    expect(json(wrong).checks.find((c: { id: string }) => c.id === 'signature').status).toBe('fail');
  });

  it('never prints raw control or bidi characters from the document', async ({ expect }) => {
    const r = await runCli(['verify', file('bidi.xml'), ...TRUST]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).not.toMatch(/[\u200b\u202e]/);
    expect(r.stdout).toContain('eve\\u{202e}gnp.exe\\u{200b}@example.com');
  });
});

describe.concurrent('samlguard verify: rejected (exit 1) with code, path and a concrete hint', () => {
  it('KEY_NOT_TRUSTED names the attacker certificate and its SHA-256 fingerprint', async ({ expect }) => {
    const [human, machine] = await Promise.all([runCli(['verify', file('attacker.xml'), ...TRUST]), runCli(['verify', file('attacker.xml'), ...TRUST, '--json'])]);
    expect(human.code).toBe(1);
    expect(human.stdout.split('\n')[0]).toBe('✘ REJECTED  KEY_NOT_TRUSTED at Response/Assertion/Signature');
    expect(human.stdout).toMatch(/✘ signature\s+Assertion signed/);
    expect(human.stdout).toContain('(NOT a configured key)');
    expect(human.stdout).toMatch(/· destination\s+not reached/);
    expect(machine.code).toBe(1);
    const j = json(machine);
    expect(j).toMatchObject({ accepted: false, code: 'KEY_NOT_TRUSTED', path: 'Response/Assertion/Signature', identity: null });
    expect(j.hint).toMatch(new RegExp(`^The Assertion is signed by .*SHA-256 fingerprint ${ATTACKER_FP}.*, which is not among the 1 configured certificate\\(s\\)`));
    expect(j.hint).toContain('has the IdP rotated its key?');
    expect(j.hint).toContain('SAME subject');
    expect(j.hint).toContain(GENUINE_FP);
    const status = Object.fromEntries(j.checks.map((c: { id: string; status: string }) => [c.id, c.status]));
    expect(status).toMatchObject({ parse: 'pass', response: 'pass', status: 'pass', assertion: 'pass', signature: 'fail', destination: 'not-run', expiry: 'not-run' });
    expect(j.checks.find((c: { id: string }) => c.id === 'signature').detail.join('\n')).toContain(ATTACKER_FP);
  });

  it('AUDIENCE_MISMATCH: "Audience is X but you expect Y"', async ({ expect }) => {
    const j = json(await runCli(['verify', file('audience.xml'), ...TRUST, '--json']));
    expect(j).toMatchObject({ code: 'AUDIENCE_MISMATCH', path: 'Response/Assertion/Conditions/AudienceRestriction' });
    expect(j.hint).toContain(`Audience is https://other.example/sp but you expect ${TEST_SP}`);
    expect(j.hint).toContain('--audience https://other.example/sp');
    const status = Object.fromEntries(j.checks.map((c: { id: string; status: string }) => [c.id, c.status]));
    expect(status).toMatchObject({ signature: 'pass', time: 'pass', conditions: 'pass', audience: 'fail', 'subject-confirmation': 'not-run' });
  });

  it('EXPIRED: how long ago, against which now, with which skew', async ({ expect }) => {
    const r = await runCli(['verify', file('ok.xml'), ...KEYS, '--recipient', TEST_ACS, '--now', '2026-01-15T10:08:00Z', '--json']);
    expect(r.code).toBe(1);
    const j = json(r);
    expect(j).toMatchObject({ code: 'EXPIRED', path: 'Response/Assertion/Conditions' });
    expect(j.hint).toMatch(/expired 3 min ago, judged by the --now you gave; clock skew is 60 s/);
    expect(j.hint).toContain('--now 2026-01-15T10:00:00.000Z');
    expect(j.checks.find((c: { id: string }) => c.id === 'time').status).toBe('fail');
  });

  it('DIGEST_MISMATCH names the modified element; STATUS_NOT_SUCCESS stops before the signature', async ({ expect }) => {
    const [tampered, status] = await Promise.all([runCli(['verify', file('tampered.xml'), ...TRUST, '--json']), runCli(['verify', file('status.xml'), ...TRUST, '--json'])]);
    expect(json(tampered)).toMatchObject({ code: 'DIGEST_MISMATCH', path: 'Response/Assertion' });
    expect(json(tampered).hint).toMatch(/^The Assertion was modified after it was signed/);
    const s = json(status);
    expect(s).toMatchObject({ code: 'STATUS_NOT_SUCCESS' });
    expect(s.hint).toContain('The IdP refused the sign-in');
    expect(s.checks.slice(0, 4).map((c: { status: string }) => c.status)).toEqual(['pass', 'pass', 'fail', 'not-run']);
  });

  it('SHA-1 without --allow-sha1, a Response-only signature with --require-signed-assertion, no AudienceRestriction', async ({ expect }) => {
    const [sha1, respOnly, noAud] = await Promise.all([
      runCli(['verify', file('sha1.xml'), ...TRUST, '--json']),
      runCli(['verify', file('response-only.xml'), ...TRUST, '--require-signed-assertion', '--json']),
      runCli(['verify', file('no-audience.xml'), ...TRUST, '--json']),
    ]);
    expect(json(sha1)).toMatchObject({ code: 'ALGORITHM_NOT_ALLOWED' });
    expect(json(sha1).hint).toContain('--allow-sha1');
    expect(json(respOnly)).toMatchObject({ code: 'SIGNATURE_MISSING', path: 'Response/Assertion' });
    expect(json(respOnly).hint).toContain('--require-signed-assertion');
    expect(json(noAud)).toMatchObject({ code: 'AUDIENCE_MISMATCH' });
    expect(json(noAud).hint).toContain('--allow-missing-audience-restriction');
  });

  it('DESTINATION_MISMATCH and an unsolicited response with --in-response-to', async ({ expect }) => {
    const [dest, irt] = await Promise.all([
      runCli(['verify', file('ok.xml'), ...KEYS, '--now', NOW, '--recipient', 'https://sp.example/other-acs', '--json']),
      runCli(['verify', file('ok.xml'), ...TRUST, '--in-response-to', '_req42', '--json']),
    ]);
    const d = json(dest);
    expect(d).toMatchObject({ code: 'DESTINATION_MISMATCH', path: 'Response' });
    expect(d.hint).toContain(`Destination is ${TEST_ACS} but you expect https://sp.example/other-acs`);
    const i = json(irt);
    expect(i).toMatchObject({ code: 'IN_RESPONSE_TO_MISMATCH' });
    expect(i.hint).toContain('unsolicited (IdP-initiated');
  });

  it('input that is not SAML: INPUT_MALFORMED at the parse check', async ({ expect }) => {
    const r = await runCli(['verify', file('garbage.txt'), ...TRUST, '--json']);
    expect(r.code).toBe(1);
    const j = json(r);
    expect(j).toMatchObject({ code: 'INPUT_MALFORMED', accepted: false });
    expect(j.checks[0]).toMatchObject({ id: 'parse', status: 'fail' });
    expect(j.hint).toContain('form body');
  });
});

describe.concurrent('samlguard verify: no verdict (exit 2)', () => {
  it('usage errors: no input, unknown flag (with a suggestion), missing --audience, --cert without --entity-id', async ({ expect }) => {
    const [none, unknown, noAudience, noEntity, twice] = await Promise.all([
      runCli(['verify', ...TRUST]),
      runCli(['verify', file('ok.xml'), ...TRUST, '--audiance', 'x']),
      runCli(['verify', file('ok.xml'), '--cert', certPath('rsa2048'), '--entity-id', TEST_IDP]),
      runCli(['verify', file('ok.xml'), '--cert', certPath('rsa2048'), '--audience', TEST_SP]),
      runCli(['verify', file('ok.xml'), ...TRUST, '--recipient', 'https://b']),
    ]);
    for (const r of [none, unknown, noAudience, noEntity, twice]) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
    }
    expect(none.stderr).toContain('needs the response: a file, or - to read stdin');
    expect(unknown.stderr).toContain('Unknown option --audiance for "samlguard verify". Did you mean --audience?');
    expect(noAudience.stderr).toContain('--audience is required');
    expect(noEntity.stderr).toContain('--entity-id is required with --cert');
    expect(twice.stderr).toContain('--recipient is given more than once');
  });

  it('a private key given as --cert is a configuration error that never echoes the key', async ({ expect }) => {
    const r = await runCli(['verify', file('ok.xml'), '--cert', keyPath('rsa2048'), '--entity-id', TEST_IDP, '--audience', TEST_SP, '--json']);
    expect(r.code).toBe(2);
    const j = json(r);
    expect(j).toMatchObject({ accepted: false, code: 'CONFIG_INVALID' });
    expect(j.message).toContain(`--cert ${keyPath('rsa2048')} is a private key`);
    const keyBody = loadKeyPair('rsa2048').privateKeyPem.split('\n')[1]!;
    expect(r.stdout + r.stderr).not.toContain(keyBody);
    expect(r.stdout + r.stderr).not.toContain('BEGIN PRIVATE KEY');
  });

  it('unreadable files, invalid --roles rules, a metadata URL that fails', async ({ expect }) => {
    const [missing, roles, http404] = await Promise.all([
      runCli(['verify', file('nope.xml'), ...TRUST]),
      runCli(['verify', file('ok.xml'), ...TRUST, '--roles', file('bad-roles.json')]),
      runCli(['verify', file('ok.xml'), '--metadata', `${baseUrl}/missing`, '--audience', TEST_SP]),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`The input ${JSON.stringify(file('nope.xml'))} does not exist.`);
    expect(roles.code).toBe(2);
    expect(roles.stderr).toContain(`--roles ${file('bad-roles.json')}:`);
    expect(http404.code).toBe(2);
    expect(http404.stderr).toContain('HTTP 404');
    expect(http404.stderr).toContain('download the file');
  });
});
