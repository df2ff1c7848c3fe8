// Build step: bundles the command line (dist/cli/main.js) and its worker thread into two self-contained files
// under dist/bin/. Loading ~90 ES modules costs a fresh Node process ~0.15 s before any work starts; one bundle
// halves every CLI call's start-up. The worker goes next to the bundle because worker-pool.ts finds it as
// ./worker-entry.js relative to its own module. The library (dist/index.js) stays unbundled.
import { chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
// Bundled CommonJS dependencies (commander) call require() for Node built-ins; ESM output needs one.
const banner =
  "import { createRequire as __digstoreRequire } from 'node:module'; const require = __digstoreRequire(import.meta.url);";

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  absWorkingDir: root,
  banner: { js: banner },
  logLevel: 'warning',
};
await build({
  ...common,
  entryPoints: { digstore: 'dist/cli/main.js', 'worker-entry': 'dist/ingest/worker-entry.js' },
  outdir: 'dist/bin',
});
chmodSync(`${root}dist/bin/digstore.js`, 0o755);
