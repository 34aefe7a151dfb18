import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The suites start real child processes and servers; two cores only.
    maxWorkers: 2,
    // Threads, not forks: with forks, vitest 4.1 now and then reports a worker
    // that it had itself sent SIGTERM as "exited unexpectedly" after every test
    // of the file passed (seen with the suites that keep decoder processes
    // and model workers), which fails the run; worker threads do not race so.
    pool: 'threads',
  },
});
