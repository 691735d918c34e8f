import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'plugins/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    globalSetup: ['./test/setup/tiny-models.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
