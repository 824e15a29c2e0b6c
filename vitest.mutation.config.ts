import { defineConfig } from 'vitest/config';

// The unit, attack, property and interop suites: what guards the security rooms. The slow suites that
// only drive processes and servers (CLI, live IdPs, e2e, serve, stores, fuzz, bench-like) stay out of
// mutation runs, where every mutant reruns the tests that cover it.
export default defineConfig({
  test: {
    include: ['test/{xml,bytes,c14n,crypto,dsig,keys,saml,attacks,property,interop,xmlenc,metadata,sp,token,verifier}/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
