// Runs a command and measures wall time and peak RSS. Peak RSS comes from GNU time (`/usr/bin/time`),
// installed with apt when missing and possible; otherwise only wall time is reported.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TIME = '/usr/bin/time';

export function ensureTool(bin, aptPackage, notes) {
  const has = () => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
  if (has()) return true;
  if (process.getuid?.() === 0) {
    console.error(`installing ${aptPackage} with apt-get…`);
    spawnSync('sh', [
      '-c',
      `(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${aptPackage}) >/dev/null 2>&1`,
    ]);
    if (has()) return true;
  }
  notes.push(`${bin} not installed (and could not be installed): its comparison is skipped`);
  return false;
}

/**
 * Runs `cmd args` in `cwd`; returns { seconds, rssMB, cpuSeconds, code, stdout } (CPU = user + system of the
 * command and what it waited for, from GNU time). Throws on failure unless allowed.
 */
export function measure(cmd, args, { cwd, env = {}, allowFail = false } = {}) {
  // Start every measured run with no dirty pages of the previous one (or of input generation) still being
  // written back: otherwise whoever runs next pays for the previous tool's writes.
  spawnSync('sync');
  const useTime = existsSync(TIME);
  const out = join(tmpdir(), `bench-time-${process.pid}`);
  const t0 = process.hrtime.bigint();
  const r = useTime
    ? spawnSync(TIME, ['-f', '%M %U %S', '-o', out, cmd, ...args], {
        cwd,
        env: { ...process.env, ...env },
        maxBuffer: 1 << 28,
      })
    : spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  let rssMB = null;
  let cpuSeconds = null;
  if (useTime && existsSync(out)) {
    const [kb, user, sys] = readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    rssMB = Number.isFinite(kb) ? kb / 1024 : null;
    cpuSeconds = Number.isFinite(user) && Number.isFinite(sys) ? user + sys : null;
    rmSync(out, { force: true });
  }
  if (r.status !== 0 && !allowFail) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr?.toString().slice(0, 500)}`);
  }
  return { seconds, rssMB, cpuSeconds, code: r.status, stdout: r.stdout?.toString() ?? '' };
}

/** Sums a sequence of measured steps: total seconds and CPU seconds, max RSS. */
export function sumSteps(steps) {
  return {
    seconds: steps.reduce((a, s) => a + s.seconds, 0),
    cpuSeconds: steps.every((s) => s.cpuSeconds !== null) ? steps.reduce((a, s) => a + s.cpuSeconds, 0) : null,
    rssMB: steps.some((s) => s.rssMB !== null) ? Math.max(...steps.map((s) => s.rssMB ?? 0)) : null,
  };
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One row per tool that ran: median seconds and peak RSS of its runs, and every run's seconds. */
export function summarize(runs) {
  return Object.entries(runs)
    .filter(([, ms]) => ms.length > 0)
    .map(([tool, ms]) => ({
      tool,
      seconds: median(ms.map((m) => m.seconds)),
      rssMB: median(ms.map((m) => m.rssMB ?? 0)) || null,
      runs: ms.map((m) => Number(m.seconds.toFixed(3))),
    }));
}
