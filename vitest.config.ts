import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/src/**/*.test.ts', 'agent/src/**/*.test.ts', 'collector/src/**/*.test.ts', 'scripts/src/**/*.test.ts', 'collector/console/src/**/*.test.ts', 'test/**/*.test.ts'],
    // Integration tests start real collector and agent processes; these are generous upper
    // bounds so a stuck process fails the test instead of hanging CI, not performance limits.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
