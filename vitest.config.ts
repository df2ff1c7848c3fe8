import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { LongestFirst } from './test/support/longest-first.js';

// Test files run in parallel (each test makes its own temp dirs and DIGSTORE_HOME). Time limits are generous:
// spawned processes carry their own timeouts naming the command (test/helpers.ts), so a limit here only
// catches a hang inside the test process itself, and a loaded machine never trips it.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    // One test file more than there are cores: files that wait (servers, settle times, kill timing, child
    // processes) leave a core idle otherwise. Measured in full CI runs on 2 cores: 3 workers 97.0 / 98.5 s
    // (Node 20 / 24), 4 workers 101.6 / 95.6 s — the same within this machine's noise, so the fewer.
    maxWorkers: availableParallelism() + 1,
    isolate: false,
    // Longest first, also on a fresh clone with no vitest cache (test/support/longest-first.ts).
    sequence: { sequencer: LongestFirst },
  },
});
