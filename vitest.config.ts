import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // What bin/resolve-latentflow.mjs does for the CLI: plugins import the runtime API as 'latentflow'.
  resolve: {
    alias: [
      { find: /^latentflow$/, replacement: fileURLToPath(new URL('./runtime/index.ts', import.meta.url)) },
      { find: /^latentflow\/nodes$/, replacement: fileURLToPath(new URL('./nodes/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'plugins/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    globalSetup: ['./test/setup/tiny-models.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
