import { defineConfig } from 'vitest/config';

const browserE2E = 'test/e2e/**/*.e2e.test.ts';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: [browserE2E],
          // The suites start real child processes and servers; two cores only.
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser-e2e',
          include: [browserE2E],
          // Real-time audio through a browser: what these assert (the bot sounding before a
          // barge-in, going silent within 250 ms) needs the cores to itself, so they run one at
          // a time, after the rest of the suite.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
