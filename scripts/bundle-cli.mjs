// Build step: bundles the command line (dist/cli/main.js) and its worker thread into self-contained CommonJS
// files under dist/bin/ (dist/bin/package.json says so), and puts the launcher (scripts/cli-launcher.cjs) at
// dist/bin/digstore.js. Loading ~90 ES modules cost a fresh Node process ~0.15 s before any work; one bundle
// run through V8's code cache costs a few tens of milliseconds. The worker goes next to the bundle because
// worker-pool.ts finds it as ./worker-entry.js relative to its own module (import.meta.url, defined here as the
// bundle's own URL). The library (dist/index.js) stays unbundled ES modules.
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = `${root}dist/bin`;
mkdirSync(bin, { recursive: true });
for (const f of readdirSync(bin)) if (f.endsWith('.cache')) rmSync(`${bin}/${f}`); // made for the old bundle
writeFileSync(`${bin}/package.json`, '{ "type": "commonjs" }\n');
// commander requires node:child_process (and with it net and dgram: ~8 ms of every start) for executable
// subcommands, which digstore does not use: give it a stand-in that loads the module on first use.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes('node_modules/commander') ? { path: 'lazy', namespace: 'lazy-child-process' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, k) => require('node:child_process')[k] });",
      loader: 'js',
    }));
  },
};
await build({
  bundle: true,
  plugins: [lazyChildProcess],
  // The S3 client is loaded from node_modules when an s3:// remote is used, never part of every start-up.
  external: ['@aws-sdk/*'],
  minifyWhitespace: true, // a third less source to read and hash at every start; names stay for stack traces
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  absWorkingDir: root,
  define: { 'import.meta.url': '__digstoreModuleUrl' },
  banner: { js: "const __digstoreModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
  entryPoints: { 'digstore-main': 'dist/cli/main.js', 'worker-entry': 'dist/ingest/worker-entry.js' },
  outdir: 'dist/bin',
});
// The launcher hands the bundle to V8 as it is on disk: wrapped as a CommonJS module function already, and
// ASCII only (esbuild escapes the rest), so it is read as a one-byte string with no UTF-8 decoding and no copy.
const main = `${bin}/digstore-main.js`;
const code = readFileSync(main, 'utf8').replace(/^#!.*\n/, '');
if (Buffer.byteLength(code, 'utf8') !== code.length)
  throw new Error(`${main} is not ASCII: the launcher reads it as latin1`);
writeFileSync(main, `(function (exports, require, module, __filename, __dirname) {${code}\n})`);
copyFileSync(`${root}scripts/cli-launcher.cjs`, `${bin}/digstore.js`);
chmodSync(`${bin}/digstore.js`, 0o755);
