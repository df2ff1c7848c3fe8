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
    // One test file more than there are cores: files that wait (servers, kill timing, child processes) leave a
    // core idle otherwise. Measured on 2 cores with the gateway's suites: 3 workers 83.6 s, 2 workers 93.2 s
    // (same tree, back to back). Before those suites, a third worker cost 20% more CPU for nothing.
    maxWorkers: availableParallelism() + 1,
    isolate: false,
  },
});
