// Profiling runs, kept out of the unit suite: `npx vitest run -c tests/perf/vitest.config.ts`.
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: resolve(__dirname, '../..'),
  test: {
    include: ['tests/perf/**/*.perf.ts'],
    environment: 'node',
    testTimeout: 600_000,
    pool: 'forks',
  },
});
