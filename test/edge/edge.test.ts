// The edge runtimes, for real: the same smoke suite (test/edge/smoke.mjs) runs in workerd (through
// miniflare, without nodejs_compat, so no node: module exists), Deno, Bun, and Node with and without
// the browser condition. Each imports `samlguard` by name, so the package's conditional exports choose
// the build: the WebCrypto one for workerd, Deno and browsers, the node:crypto one for Bun and Node.
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { encryptElement } from '../../fixtures/encrypt.js';
import { signedResponse, TEST_ACS, TEST_IDP, TEST_SP, VALID_NOW } from '../../fixtures/saml.js';
import { createTokenIssuer, verifyAssertion } from '../../src/index.js';
import { opts } from '../saml/helpers.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const built = existsSync(join(root, 'dist/web/index.js')) && existsSync(join(root, 'dist/index.js'));

const RUNTIMES = {
  workerd: { present: () => existsSync(bin('workerd')), build: 'web' },
  deno: { present: () => existsSync(bin('deno')), build: 'web' },
  bun: { present: () => existsSync(bin('bun')), build: 'node' },
  'node --conditions=browser': { present: () => true, build: 'web' },
  node: { present: () => true, build: 'node' },
} as const;
type Runtime = keyof typeof RUNTIMES;

async function makeFixtures(): Promise<Record<string, unknown>> {
  const sp = loadKeyPair('rsa3072');
  const attributes = { groups: ['engineering'] };
  const rsaSigned = signedResponse({ attributes });
  const issuer = createTokenIssuer({ issuer: 'https://api.samlguard.test', audience: 'api', keys: [{ kid: 'k1', privateKey: loadKeyPair('ec-p256').privateKeyPem, alg: 'ES256' }], now: VALID_NOW });
  const { token } = await issuer.issue(await verifyAssertion(rsaSigned, opts()), { roles: ['developer'] });
  return {
    now: VALID_NOW.toISOString(),
    idp: TEST_IDP,
    audience: TEST_SP,
    recipient: TEST_ACS,
    nameId: 'alice@example.com',
    rsaCert: loadKeyPair('rsa2048').certificatePem,
    ecCert: loadKeyPair('ec-p256').certificatePem,
    rsaFingerprint: new X509Certificate(loadKeyPair('rsa2048').certificatePem).fingerprint256,
    rsaSigned,
    ecSignedBase64: Buffer.from(signedResponse({ attributes }, { keyName: 'ec-p256', signatureAlgorithm: 'ecdsa-sha256' })).toString('base64'),
    tampered: rsaSigned.replace('alice@example.com', 'mallory@example.com'),
    foreignSigned: signedResponse({ attributes }, { keyName: 'attacker-rsa2048' }),
    spKey: sp.privateKeyPem,
    encryptedGcm: encryptElement(rsaSigned, 'Assertion', { recipient: sp.certificatePem, content: 'aes256-gcm' }),
    encryptedCbc: encryptElement(rsaSigned, 'Assertion', { recipient: sp.certificatePem, content: 'aes128-cbc', transport: 'rsa-oaep', digest: 'sha256', mgf: 'sha256' }),
    tokenIssuer: 'https://api.samlguard.test',
    tokenAudience: 'api',
    token,
    jwks: issuer.jwks(),
    rules: [{ attribute: 'groups', equals: 'engineering', role: 'developer' }],
    routes: { developer: ['GET /orders/*'] },
  };
}

const RUNNER = `import * as core from 'samlguard';
import * as fetchMod from 'samlguard/fetch';
import fx from './fixtures.mjs';
import { runSmoke } from './smoke.mjs';
console.log(JSON.stringify(await runSmoke({ core, fetch: fetchMod }, fx)));
`;
const WORKER = `import * as core from 'samlguard';
import * as fetchMod from 'samlguard/fetch';
import fx from './fixtures.mjs';
import { runSmoke } from './smoke.mjs';
export default { async fetch() { return Response.json(await runSmoke({ core, fetch: fetchMod }, fx)); } };
`;

let dir = '';

type Result = { name: string; ok: boolean; detail: unknown };

async function runIn(runtime: Runtime): Promise<Result[]> {
  const env = { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(dir, '.deno') };
  const opts = { cwd: dir, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 };
  let stdout: string;
  if (runtime === 'workerd') return runInWorkerd();
  if (runtime === 'deno') ({ stdout } = await run(bin('deno'), ['run', '--quiet', '--no-prompt', 'run.mjs'], opts));
  else if (runtime === 'bun') ({ stdout } = await run(bin('bun'), ['run.mjs'], opts));
  else if (runtime === 'node --conditions=browser') ({ stdout } = await run(process.execPath, ['--conditions=browser', 'run.mjs'], opts));
  else ({ stdout } = await run(process.execPath, ['run.mjs'], opts));
  return JSON.parse(stdout.trim().split('\n').pop()!) as Result[];
}

async function runInWorkerd(): Promise<Result[]> {
  const { build } = await import('esbuild');
  const bundle = await build({
    entryPoints: [join(dir, 'worker.mjs')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    absWorkingDir: dir,
    logLevel: 'silent',
  });
  const { Miniflare } = await import('miniflare');
  // No compatibility flags: without nodejs_compat there is no node:crypto, no Buffer, no process.
  const mf = new Miniflare({ modules: true, script: bundle.outputFiles[0]!.text, compatibilityDate: '2025-09-01' });
  try {
    const res = await mf.dispatchFetch('http://localhost/');
    const text = await res.text();
    if (res.status !== 200) throw new Error(`the worker answered ${res.status}: ${text.slice(0, 2000)}`);
    return JSON.parse(text) as Result[];
  } finally {
    await mf.dispose();
  }
}

describe.runIf(built || process.env.CI)('edge runtimes run the smoke suite', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'samlguard-edge-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'samlguard-edge-smoke', private: true, type: 'module', dependencies: { samlguard: '*' } }));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules', 'samlguard'), 'dir');
    cpSync(fileURLToPath(new URL('./smoke.mjs', import.meta.url)), join(dir, 'smoke.mjs'));
    writeFileSync(join(dir, 'fixtures.mjs'), `export default ${JSON.stringify(await makeFixtures())};\n`);
    writeFileSync(join(dir, 'run.mjs'), RUNNER);
    writeFileSync(join(dir, 'worker.mjs'), WORKER);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is built (CI runs `npm run build` before the tests)', () => {
    expect(built).toBe(true);
  });

  for (const [runtime, spec] of Object.entries(RUNTIMES) as Array<[Runtime, (typeof RUNTIMES)[Runtime]]>) {
    const present = spec.present();
    if (!present && !process.env.CI) console.warn(`[samlguard] test/edge: ${runtime} is not installed (npm ci installs it); its smoke run is skipped.`);
    it.runIf(present || process.env.CI)(`${runtime}: every check passes on the ${spec.build} build`, async () => {
      expect(present, `${runtime} is missing: run npm ci (it is a devDependency)`).toBe(true);
      const results = await runIn(runtime);
      const failed = results.filter((r) => !r.ok);
      expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
      expect(results.find((r) => r.name === 'build')?.detail).toBe(spec.build);
      expect(results.find((r) => r.name === 'request guard: no credential is 401')?.detail).toBe('CREDENTIAL_MISSING');
      expect(results.find((r) => r.name === 'request guard: route not permitted is 403')?.detail).toBe('ROUTE_NOT_PERMITTED');
      expect(results).toHaveLength(13);
    }, 180_000);
  }
});
