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
