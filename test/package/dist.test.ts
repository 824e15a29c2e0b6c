// The built package, as a consumer sees it: ESM import and CJS require of dist/, through the exports map.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const built = existsSync(`${root}dist/index.js`) && existsSync(`${root}dist/index.cjs`) && existsSync(`${root}dist/index.d.ts`);
if (!built && !process.env.CI) console.warn('[samlguard] test/package skipped: dist/ is not built (run `npm run build`).');

describe.runIf(built || process.env.CI)('built package', () => {
  it('is built (CI runs `npm run build` before the tests)', () => {
    expect(built).toBe(true);
  });

  it('exposes the same API to ESM and CommonJS', async () => {
    const esm = (await import(`${root}dist/index.js`)) as Record<string, unknown>;
    const cjs = createRequire(import.meta.url)(`${root}dist/index.cjs`) as Record<string, unknown>;
    for (const mod of [esm, cjs]) {
      expect(typeof mod.verifyAssertion).toBe('function');
      expect(typeof mod.createVerifier).toBe('function');
      expect(typeof mod.SamlGuardError).toBe('function');
      expect(typeof mod.parseSamlPostBody).toBe('function');
    }
    expect(Object.keys(esm).sort()).toEqual(Object.keys(cjs).filter((k) => k !== '__esModule').sort());
  });

  it('has an exports map with import, require and types for every condition', () => {
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { exports: Record<string, unknown> };
    const main = pkg.exports['.'] as { import: { types: string; default: string }; require: { types: string; default: string } };
    for (const file of [main.import.types, main.import.default, main.require.types, main.require.default]) {
      expect(existsSync(`${root}${file}`), file).toBe(true);
    }
  });

  it('loads no XML library at run time: the strict parser lane is the parser (xmldom is only the test reference)', () => {
    for (const file of ['dist/index.js', 'dist/index.cjs', 'dist/web/index.js', 'dist/cli.js']) {
      expect(readFileSync(`${root}${file}`, 'utf8'), file).not.toMatch(/@xmldom\/xmldom['"/]/);
    }
  });

  it('builds the shared-store entries, and the core never loads their clients', () => {
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { exports: Record<string, { import: { types: string; default: string }; require: { types: string; default: string } }> };
    for (const subpath of ['./stores/redis', './stores/dynamodb']) {
      const entry = pkg.exports[subpath];
      expect(entry, subpath).toBeDefined();
      for (const file of [entry!.import.types, entry!.import.default, entry!.require.types, entry!.require.default]) {
        expect(existsSync(`${root}${file}`), file).toBe(true);
      }
    }
    expect(existsSync(`${root}dist/stores-redis.js`)).toBe(true);
    expect(existsSync(`${root}dist/stores-dynamodb.js`)).toBe(true);
    const clients = /(?:from\s*|import\s*\(\s*|require\(\s*)['"](?:redis|ioredis|@redis\/[^'"]*|@aws-sdk\/[^'"]*)['"]/;
    for (const file of ['dist/index.js', 'dist/index.cjs']) {
      expect(readFileSync(`${root}${file}`, 'utf8'), file).not.toMatch(clients);
    }
    // The Redis entry talks to the client it is given: it imports neither library itself.
    for (const file of ['dist/stores-redis.js', 'dist/stores-redis.cjs']) {
      expect(readFileSync(`${root}${file}`, 'utf8'), file).not.toMatch(clients);
    }
  });

  it('makes the store entries throw the core SamlGuardError class (not a bundled copy), in ESM and CJS', async () => {
    const require = createRequire(import.meta.url);
    const variants = [
      [await import(`${root}dist/index.js`), await import(`${root}dist/stores-redis.js`), await import(`${root}dist/stores-dynamodb.js`)],
      [require(`${root}dist/index.cjs`), require(`${root}dist/stores-redis.cjs`), require(`${root}dist/stores-dynamodb.cjs`)],
    ] as Array<[Record<string, unknown>, Record<string, unknown>, Record<string, unknown>]>;
    for (const [core, redis, dynamodb] of variants) {
      const SamlGuardError = core.SamlGuardError as new (...args: never[]) => Error;
      for (const create of [redis.createRedisReplayStore, redis.createRedisRequestIdStore, dynamodb.createDynamoDbReplayStore, dynamodb.createDynamoDbRequestIdStore]) {
        expect(typeof create).toBe('function');
        let caught: unknown;
        try {
          (create as (o: unknown) => unknown)({});
        } catch (err) {
          caught = err;
        }
        expect(caught).toBeInstanceOf(SamlGuardError);
        expect((caught as { code?: string }).code).toBe('CONFIG_INVALID');
      }
    }
  });

  it('keeps the API Gateway adapter out of the core bundle', () => {
    for (const file of ['dist/index.js', 'dist/index.cjs']) {
      const bundle = readFileSync(`${root}${file}`, 'utf8');
      expect(bundle, file).not.toContain('execute-api:Invoke');
      expect(bundle, file).not.toContain('createSamlAuthorizer');
    }
  });

  it("exports the token API from 'samlguard/token' in ESM and CJS, sharing the core's classes; jose loads only on first use", async () => {
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { exports: Record<string, { import: { types: string; default: string }; require: { types: string; default: string } }> };
    const entry = pkg.exports['./token']!;
    for (const file of [entry.import.types, entry.import.default, entry.require.types, entry.require.default]) expect(existsSync(`${root}${file}`), file).toBe(true);
    const require = createRequire(import.meta.url);
    const variants = [
      [await import(`${root}dist/index.js`), await import(`${root}dist/token.js`)],
      [require(`${root}dist/index.cjs`), require(`${root}dist/token.cjs`)],
    ] as Array<[Record<string, unknown>, Record<string, unknown>]>;
    for (const [core, token] of variants) {
      expect(token.createTokenIssuer).toBe(core.createTokenIssuer);
      let caught: unknown;
      try {
        (token.createTokenVerifier as (o: unknown) => unknown)({});
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(core.SamlGuardError as new () => Error);
    }
    // samlguard/fetch: the request guard, refusing configuration with the core's error class.
    for (const [core, fetchEntry] of [
      [await import(`${root}dist/index.js`), await import(`${root}dist/fetch.js`)],
      [require(`${root}dist/index.cjs`), require(`${root}dist/fetch.cjs`)],
    ] as Array<[Record<string, unknown>, Record<string, unknown>]>) {
      expect(Object.keys(fetchEntry).filter((k) => k !== '__esModule')).toEqual(['createRequestGuard']);
      let caught: unknown;
      try {
        (fetchEntry.createRequestGuard as (o: unknown) => unknown)({});
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(core.SamlGuardError as new () => Error);
    }
    // samlguard/telemetry the same way: the core's functions, not copies.
    for (const [core, telemetry] of [
      [await import(`${root}dist/index.js`), await import(`${root}dist/telemetry.js`)],
      [require(`${root}dist/index.cjs`), require(`${root}dist/telemetry.cjs`)],
    ] as Array<[Record<string, unknown>, Record<string, unknown>]>) {
      expect(telemetry.auditLog).toBe(core.auditLog);
      expect(telemetry.otelTracer).toBe(core.otelTracer);
    }
    // No static import of jose or @opentelemetry/api in the core bundles: nothing loads until used.
    for (const file of ['dist/index.js', 'dist/index.cjs']) {
      const bundle = readFileSync(`${root}${file}`, 'utf8');
      expect(bundle, file).not.toMatch(/from ["']jose["']|require\(["']jose["']\)|from ["']@opentelemetry\/api["']|require\(["']@opentelemetry\/api["']\)/);
      expect(bundle, file).toContain("import('jose')");
    }
  });

  it("exports createSamlAuthorizer from 'samlguard/apigateway' in ESM and CJS, sharing the core's classes", async () => {
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { exports: Record<string, { import: { types: string; default: string }; require: { types: string; default: string } }> };
    const entry = pkg.exports['./apigateway']!;
    expect(entry.import.default).toBe('./dist/apigateway.js');
    expect(entry.require.default).toBe('./dist/apigateway.cjs');
    for (const file of [entry.import.types, entry.import.default, entry.require.types, entry.require.default]) expect(existsSync(`${root}${file}`), file).toBe(true);
    const require = createRequire(import.meta.url);
    // Through the package name, as a consumer resolves it (a self-reference from inside the package).
    expect(require.resolve('samlguard/apigateway')).toBe(`${root}dist/apigateway.cjs`);

    const { signedResponse, testVerifyOptions, VALID_NOW } = await import('../../fixtures/saml.js');
    const token = `SAML ${Buffer.from(signedResponse({ attributes: { groups: ['engineering'] } })).toString('base64')}`;
    const methodArn = 'arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/GET/request';
    const variants = [
      [await import(`${root}dist/index.js`), await import(`${root}dist/apigateway.js`)],
      [require(`${root}dist/index.cjs`), require(`${root}dist/apigateway.cjs`)],
    ] as Array<[Record<string, unknown>, Record<string, unknown>]>;
    for (const [core, apigateway] of variants) {
      expect(Object.keys(apigateway).filter((k) => k !== '__esModule').sort()).toEqual(['SAML2_BEARER_GRANT', 'createAcsHandler', 'createSamlAuthorizer', 'createTokenHandler']);
      const createSamlAuthorizer = apigateway.createSamlAuthorizer as (o: unknown) => (e: unknown) => Promise<unknown>;
      const createVerifier = core.createVerifier as (o: unknown) => unknown;
      // A configuration error from the adapter is the core's class, so `instanceof SamlGuardError` holds.
      let caught: unknown;
      try {
        createSamlAuthorizer({});
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(core.SamlGuardError as new () => Error);
      // And the adapter recognises the core verifier's errors: an expired assertion is a 401 with its code.
      const codes: string[] = [];
      const handler = createSamlAuthorizer({
        verifier: createVerifier(testVerifyOptions()),
        roles: [{ attribute: 'groups', equals: 'engineering', role: 'developer' }],
        now: VALID_NOW,
        onDecision: (d: { effect: string; code?: string }) => void codes.push(d.code ?? d.effect),
      });
      await expect(handler({ type: 'TOKEN', authorizationToken: token, methodArn })).resolves.toMatchObject({ principalId: 'alice@example.com', context: { roles: 'developer' } });
      const late = createSamlAuthorizer({ verifier: createVerifier(testVerifyOptions()), roles: [], now: VALID_NOW.getTime() + 3600_000, onDecision: (d: { code?: string }) => void codes.push(d.code ?? '') });
      await expect(late({ type: 'TOKEN', authorizationToken: token, methodArn })).rejects.toThrow(/^Unauthorized$/);
      expect(codes).toEqual(['allow', 'EXPIRED']);
    }
    // The adapter imports the core rather than bundling a copy of it.
    for (const file of ['dist/apigateway.js', 'dist/apigateway.cjs']) {
      const bundle = readFileSync(`${root}${file}`, 'utf8');
      expect(bundle, file).toMatch(/from 'samlguard'|require\('samlguard'\)/);
      expect(bundle, file).not.toMatch(/class SamlGuardError/);
    }
  });

  it('keeps test tooling out of the shipped bundle', () => {
    const bundle = readFileSync(`${root}dist/index.js`, 'utf8');
    expect(bundle).not.toMatch(/node-forge|fast-check|fixtures\//);
  });
});
