import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One Redis and one 3-member etcd cluster for the whole run (test/harness/global-setup.ts).
    globalSetup: ['test/harness/global-setup.ts'],
    pool: 'forks',
    // Integration tests kill and freeze etcd members of the shared cluster, so test files never run
    // side by side. Unit files are fast enough that running them one after another costs little.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
