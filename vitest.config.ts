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
    // One test file per core: the suite is CPU-bound (spawned CLIs), and a third worker on two cores cost
    // 20% more CPU in contention (measured: 200 s of CPU for 104 s wall, against 166 s for 90 s with two).
    maxWorkers: Math.max(2, availableParallelism()),
    isolate: false,
  },
});
