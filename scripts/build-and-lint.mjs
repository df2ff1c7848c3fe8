// `npm test`'s first step: the build (single-threaded tsc for most of its time) and the linter at once, so the
// second core is not idle while the first compiles. Fails when either fails; both outputs go to the terminal.
import { spawn } from 'node:child_process';

const run = (cmd, args) =>
  new Promise((resolve) => spawn(cmd, args, { stdio: 'inherit' }).on('exit', (code) => resolve(code ?? 1)));
const codes = await Promise.all([run('npm', ['run', '--silent', 'build']), run('npx', ['biome', 'check', '.'])]);
process.exitCode = codes.find((c) => c !== 0) ?? 0;
