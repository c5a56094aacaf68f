import { defineConfig } from 'vitest/config';
// Runs the home pool's tests against the pool as it was before this change (a copy of its old dist/).
export default defineConfig({
  resolve: { alias: { '@poolbench/home': '/tmp/h6/dist-base/index.js' } },
  test: { root: '/work/main', include: ['impls/home/test/**/*.test.ts'], fileParallelism: false, testTimeout: 60_000 },
});
