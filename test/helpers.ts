// Test helpers: real temp directories and the real, built CLI spawned as a child process.
// Every spawned process has an explicit, generous timeout: a hang fails the test with the command's name
// instead of the runner's bare per-test timeout. Nothing here measures time.
import { type SpawnSyncOptions, type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Store } from '../dist/index.js';

/** The bundled command line, as `npm install` builds it (the file `bin` in package.json names). */
export const CLI = resolve(__dirname, '..', 'dist', 'bin', 'digstore.js');

/**
 * DIGSTORE_TEST_SCALE multiplies the size of every randomized run (SIGKILL rounds, git-oracle trees, fuzz
 * mutations, commit chains). 1 is the default suite; README "Development" lists what larger values run.
 */
export const TEST_SCALE = parseScale(process.env.DIGSTORE_TEST_SCALE);

function parseScale(v: string | undefined): number {
  if (v === undefined || v === '') return 1;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`DIGSTORE_TEST_SCALE must be a positive number, got '${v}'`);
  return n;
}

/** `base` randomized rounds at scale 1, `base × DIGSTORE_TEST_SCALE` otherwise (at least 1). */
export function scaled(base: number): number {
  return Math.max(1, Math.round(base * TEST_SCALE));
}

/** A test of `rounds` randomized rounds may take this long (the default limit, 10 min, fits the default scale). */
export function roundsTimeout(rounds: number, perRoundMs = 30_000): number {
  return Math.max(600_000, rounds * perRoundMs);
}

/** How long one spawned process may run before the test fails naming it: minutes, since a loaded machine is slow. */
export const SPAWN_TIMEOUT_MS = Number(process.env.DIGSTORE_TEST_SPAWN_TIMEOUT_MS ?? 180_000);

const made: string[] = [];

export function tempDir(prefix = 'digstore-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

export function cleanupTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  stdoutBuf: Buffer;
}

export interface RunOptions {
  cwd: string;
  home: string;
  input?: Buffer | string;
  env?: Record<string, string>;
}

function cliEnv(home: string, extra?: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, DIGSTORE_HOME: home, NO_COLOR: '1', ...extra };
}

function describeCommand(cmd: string, args: string[]): string {
  const shown = cmd === process.execPath ? ['digstore', ...args.slice(1)] : [cmd, ...args];
  return shown.map((a) => (/^[\w./:=@%+-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/** Fails loudly (naming the command) when spawnSync could not run it or it timed out. */
function checkSpawn(r: SpawnSyncReturns<Buffer>, cmd: string, args: string[]): void {
  if (!r.error) return;
  const code = (r.error as NodeJS.ErrnoException).code;
  const what =
    code === 'ETIMEDOUT' ? `did not finish within ${SPAWN_TIMEOUT_MS / 1000} s` : `could not run: ${r.error.message}`;
  throw new Error(`\`${describeCommand(cmd, args)}\` ${what}`);
}

/** spawnSync under the spawn timeout, failing loudly (naming the command) if it cannot run or hangs. */
function spawnChecked(cmd: string, args: string[], opts: SpawnSyncOptions): SpawnSyncReturns<Buffer> {
  const r = spawnSync(cmd, args, { ...opts, timeout: SPAWN_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 1 << 30 });
  checkSpawn(r as SpawnSyncReturns<Buffer>, cmd, args);
  return r as SpawnSyncReturns<Buffer>;
}

/** Runs any program to completion (synchronously). */
export function runTool(
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; uid?: number; gid?: number },
) {
  const r = spawnChecked(cmd, args, opts);
  return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

/** Runs the CLI to completion (synchronously). */
export function run(args: string[], opts: RunOptions): RunResult {
  const r = spawnChecked(process.execPath, [CLI, ...args], {
    cwd: opts.cwd,
    input: opts.input,
    env: cliEnv(opts.home, opts.env),
  });
  return {
    code: r.status ?? -1,
    stdout: r.stdout.toString('utf8'),
    stderr: r.stderr.toString('utf8'),
    stdoutBuf: r.stdout,
  };
}

export interface Child {
  /** Resolves when the process has exited (code, or the signal that ended it), with its whole output. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** Resolves once `pattern` appears on stderr (so a signal is sent only when the child is really at work). */
  stderrMatches(pattern: RegExp): Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts a process without waiting; `done` rejects naming the command if it outlives the spawn timeout. */
export function start(
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; detached?: boolean },
): Child {
  const p = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, detached: opts.detached });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  p.stdout.on('data', (d) => (stdout += d));
  p.stderr.on('data', (d) => {
    stderr += d;
    for (const w of waiters.splice(0))
      if (w.pattern.test(stderr)) w.resolve();
      else waiters.push(w);
  });
  const done = new Promise<Awaited<Child['done']>>((resolveDone, reject) => {
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`\`${describeCommand(cmd, args)}\` did not finish within ${SPAWN_TIMEOUT_MS / 1000} s`));
    }, SPAWN_TIMEOUT_MS);
    p.on('error', reject);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      for (const w of waiters.splice(0)) w.resolve(); // exited without the marker: let the caller see why
      resolveDone({ code, signal, stdout, stderr });
    });
  });
  return {
    done,
    stderrMatches: (pattern) =>
      pattern.test(stderr) || p.exitCode !== null
        ? Promise.resolve()
        : new Promise((r) => waiters.push({ pattern, resolve: r })),
    kill: (signal) => {
      try {
        if (opts.detached) process.kill(-p.pid!, signal);
        else p.kill(signal);
      } catch {
        // already gone
      }
    },
  };
}

/**
 * A store set up through the library, for tests whose subject is another command: `init`, then (with
 * `paths`) `add` and `commit` — what the CLI would do, without three Node start-ups. Returns the root.
 */
export async function committedStore(project: string, home: string, paths: string[], message = 'one') {
  const store = Store.init(project, { home });
  await store.add(paths, { cwd: project, recursive: true });
  return (await store.commit(message)).root;
}

/** The CLI started in the background (see `start`). */
export function startCli(args: string[], opts: RunOptions): Child {
  return start(process.execPath, [CLI, ...args], { cwd: opts.cwd, env: cliEnv(opts.home, opts.env) });
}

/** Content hash of every file under `dir` (path → sha256), to prove a store did not change. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[p.slice(dir.length + 1)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

export function dirSize(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? dirSize(p) : statSync(p).size;
  }
  return total;
}

/** Total size of the store archives (`*.dig`) in a store home. */
export const archiveSize = (home: string) =>
  readdirSync(home)
    .filter((f) => f.endsWith('.dig'))
    .reduce((a, f) => a + statSync(join(home, f)).size, 0);

export const sha256hex = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/**
 * Deterministic pseudo-random bytes: an AES-128-CTR keystream keyed by the seed (fast: OpenSSL, not a JS loop),
 * so tests are reproducible without fixtures. Successive calls continue the same stream.
 */
export function prng(seed: number): (n: number) => Buffer {
  const key = createHash('sha256').update(`digstore-test-seed:${seed}`).digest().subarray(0, 16);
  const stream = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  return (n: number) => stream.update(Buffer.alloc(n));
}
