import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Two workers on two cores: browser tests wait on Chromium and servers, so files overlap well
    // (the suite took 1019 s with one worker, 811 s with two, every test passing both ways).
    maxWorkers: 2,
    minWorkers: 1,
    globalSetup: ['tests/global-setup.ts'],
    reporters: ['default'],
  },
});
