import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'impls/home/test/**/*.test.ts'],
    // Several tests start worker pools and child processes; on a 2-core machine, one file at a time keeps
    // their time limits meaningful.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
