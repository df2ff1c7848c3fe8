// Build step, the last: marks dist/ as built from the sources as they are now (tsc's incremental mode leaves
// unchanged outputs untouched, so their times cannot say it). scripts/build-and-lint.mjs compares against it.
import { writeFileSync } from 'node:fs';

writeFileSync(new URL('../dist/.build-stamp', import.meta.url), `${new Date().toISOString()}\n`);
