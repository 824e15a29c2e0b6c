import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig, type Options } from 'tsup';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * The shared-store and API Gateway entries reach the core through their core.ts (src/stores/core.ts,
 * src/adapters/apigateway/core.ts); resolving that module to the package
 * itself (a self-reference through the exports map) makes them throw the core's own SamlGuardError class
 * instead of bundling a second copy that `instanceof` would not recognise.
 */
const storesUseCore: EsbuildPlugin = {
  name: 'samlguard-stores-use-core',
  setup(build) {
    build.onResolve({ filter: /^\.\/core\.js$/ }, (args) => (/[\\/]src[\\/](?:stores|entries|adapters[\\/](?:apigateway|shared|fetch))[\\/][^\\/]+\.ts$/.test(args.importer) ? { path: 'samlguard', external: true } : undefined));
  },
};

/**
 * The web build (edge runtimes: workerd, Deno, browsers): the WebCrypto backend replaces the node:crypto
 * one (any module with a `-web.ts` sibling is swapped for it), and node:crypto / node:zlib become a module whose functions refuse with RUNTIME_UNSUPPORTED, so
 * everything loads where they are absent. Any other node: import in these entries fails the build.
 */
const webRuntime: EsbuildPlugin = {
  name: 'samlguard-web-runtime',
  setup(build) {
    // A module with a `-web.ts` sibling (crypto/backend.ts, telemetry/load-otel.ts) is replaced by it.
    build.onResolve({ filter: /^\.\/[\w-]+\.js$/ }, (args) => {
      const web = join(args.resolveDir, args.path.replace(/\.js$/, '-web.ts'));
      return /[\\/]src[\\/]/.test(args.importer) && existsSync(web) ? { path: web } : undefined;
    });
    build.onResolve({ filter: /^node:(crypto|zlib)$/ }, () => ({ path: resolve('src/crypto/node-absent.ts') }));
    build.onResolve({ filter: /^node:/ }, (args) => ({ errors: [{ text: `${args.path} (imported by ${args.importer}) does not exist on edge runtimes` }] }));
  },
};

export default defineConfig([
  {
    // The library: the core, and the adapters as separate entries so the core import stays free of them.
    entry: {
      index: 'src/index.ts',
      apigateway: 'src/adapters/apigateway/index.ts',
      'stores-redis': 'src/stores/redis.ts',
      'stores-dynamodb': 'src/stores/dynamodb.ts',
      token: 'src/entries/token.ts',
      telemetry: 'src/entries/telemetry.ts',
      fetch: 'src/adapters/fetch/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: false, // the build script empties dist/ once, before both configurations run in parallel
    target: 'node20',
    platform: 'node',
    splitting: false,
    treeshake: true,
    esbuildPlugins: [storesUseCore],
  },
  {
    // The web build of the entries that make sense on an edge runtime; package.json's conditional
    // exports (workerd, browser, deno) point at it. Types are the Node build's (the same API).
    entry: { index: 'src/index.ts', fetch: 'src/adapters/fetch/index.ts', token: 'src/entries/token.ts' },
    outDir: 'dist/web',
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    target: 'es2022',
    platform: 'neutral',
    splitting: false,
    treeshake: true,
    removeNodeProtocol: false,
    esbuildPlugins: [storesUseCore, webRuntime],
  },
  {
    // The CLI: one ESM file with a shebang, run as `samlguard` (package.json bin).
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    target: 'node20',
    platform: 'node',
    splitting: false,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
