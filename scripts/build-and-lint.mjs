// `npm test`'s first step: the build (single-threaded tsc for most of its time) and the linter at once, so the
// second core is not idle while the first compiles. Fails when either fails; both outputs go to the terminal.
// As make does, the build is skipped when the last build (its stamp, dist/.build-stamp) is newer than every
// input (right after `npm install`, which builds): tsc alone spends ~3.5 s reading the program even when nothing
// changed.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const INPUTS = ['src', 'web', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json'];
/** Written last by `npm run build` (scripts/build-stamp.mjs). */
const STAMP = 'dist/.build-stamp';

/** The newest modification time under `path` (a file or a directory tree); 0 when it does not exist. */
function newest(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), st.mtimeMs);
}

function upToDate() {
  const built = newest(join(root, STAMP));
  return built > 0 && built > Math.max(...INPUTS.map((f) => newest(join(root, f))));
}

const run = (cmd, args) =>
  new Promise((resolve) => spawn(cmd, args, { stdio: 'inherit' }).on('exit', (code) => resolve(code ?? 1)));
const fresh = upToDate();
if (fresh) console.log('build: up to date (dist/ is newer than every source)');
const build = fresh ? Promise.resolve(0) : run('npm', ['run', '--silent', 'build']);
const codes = await Promise.all([build, run('npx', ['biome', 'check', '.'])]);
process.exitCode = codes.find((c) => c !== 0) ?? 0;
