import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library: the core and the API Gateway adapter (a separate entry, so the core import stays free of it).
    entry: { index: 'src/index.ts', apigateway: 'src/adapters/apigateway/index.ts' },
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
