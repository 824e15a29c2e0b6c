import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library: the core, and the adapters as separate entries so the core import stays free of them.
    entry: {
      index: 'src/index.ts',
      apigateway: 'src/adapters/apigateway/index.ts',
      'stores-redis': 'src/stores/redis.ts',
      'stores-dynamodb': 'src/stores/dynamodb.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: false, // the build script empties dist/ once, before both configurations run in parallel
    target: 'node20',
    platform: 'node',
    splitting: false,
    treeshake: true,
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
