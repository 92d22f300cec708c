import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // At least two test files at a time. Vitest's default (one fewer than the
    // CPUs) runs them one by one on a 2-core machine such as CI's, leaving a
    // core idle whenever a file waits on its child processes, redis or the
    // addon's threads, or runs single-threaded JavaScript. No test times
    // anything, and each file uses its own temporary directories, redis port
    // and child processes, so files may share the machine.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // `npm run test:coverage` (the native pass of CI): v8 coverage of src/, with thresholds
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: [
        // Run only in other processes or threads, which v8 coverage of the test
        // process does not see: the CLI entry point (spawned from dist/ by
        // test/cli.test.ts, test/impact-cli.test.ts) and the impact training
        // worker (a worker_threads Worker on dist/cjs/impact/worker.js, driven
        // by test/impact.test.ts and test/examples.test.ts).
        'src/cli/main.ts',
        // the subcommands `fastaug bench` (and its chart, svg.ts) and `fastaug
        // impact`, which only main.ts runs: test/cli.test.ts and
        // test/impact-cli.test.ts run them as a user does, in a child process
        'src/cli/bench.ts',
        'src/cli/svg.ts',
        'src/cli/impact.ts',
        'src/impact/worker.ts',
        // the queue's worker, run by `fastaug worker` processes that
        // test/impact-queue.test.ts starts and kills
        'src/impact/queue-worker.ts',
        'src/impact/trainer.ts',
        // declarations only
        'src/types/**',
      ],
      reporter: ['text', 'text-summary'],
      thresholds: { lines: 95, branches: 90 },
    },
  },
});
