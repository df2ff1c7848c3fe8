// Build step: bundles the web UI (web/app.ts, which imports src/ for verification) into dist/web/ with its page
// and style sheet. In the browser, node:crypto becomes web/shims/crypto.ts and Buffer the `buffer` package;
// nothing is loaded from anywhere but the server that serves the page.
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/web`;
mkdirSync(out, { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: { app: 'web/app.ts' },
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  alias: { 'node:crypto': './web/shims/crypto.ts' },
  inject: ['web/shims/buffer.ts'],
  define: { 'process.env.DIGSTORE_DEBUG': 'undefined' },
  logLevel: 'warning',
});
for (const f of ['index.html', 'style.css']) copyFileSync(`${root}web/${f}`, `${out}/${f}`);
