import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Test files run in parallel (each test makes its own temp dirs and DIGSTORE_HOME). Time limits are generous:
// spawned processes carry their own timeouts naming the command (test/helpers.ts), so a limit here only
// catches a hang inside the test process itself, and a loaded machine never trips it.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    // Two test files more than there are cores: many files wait (servers, settle times, kill timing, child
    // processes), leaving a core idle otherwise. On 2 cores with the gateway, UI and remote suites: 4 workers
    // 95 s, 3 workers 112 s (same tree, back to back; this machine's timings vary by ±10 s between runs).
    maxWorkers: availableParallelism() + 2,
    isolate: false,
  },
});
