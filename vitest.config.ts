import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // End-to-end tests spawn the CLI and skopeo and spend much of their time waiting on them.
    maxWorkers: 3,
    reporters: ['default', './test/reporters/summary.ts'],
    setupFiles: ['./test/setup.ts'],
  },
});
