// `check --repair [--yes]`: say what is damaged and what going back to the newest intact generation would
// lose, ask (or take --yes), then do it. Without a terminal to ask and without --yes, nothing changes.
import { createRequire } from 'node:module';
import type * as Readline from 'node:readline/promises';
import type { RepairPlan } from '../../index.js';
import { repairStore } from '../../index.js';
import { DigstoreError } from '../../core/errors.js';
import { lockWait } from '../context.js';
import { formatBytes, type Output } from '../output.js';
import { longRun } from '../progress.js';

function describe(plan: RepairPlan): string[] {
  const r = plan.recovered;
  const lines = plan.problems.map((p) => `damage: ${p}`);
  lines.push(`newest intact generation: ${r.generation}${r.root ? ` (root ${r.root})` : ''}`);
  for (const g of plan.lost)
    lines.push(`would be lost: generation ${g.generation}${g.root ? ` (root ${g.root})` : ''}`);
  if (plan.cutBytes > 0) lines.push(`${formatBytes(plan.cutBytes)} after it will be moved to a side file, not deleted`);
  return lines;
}

async function ask(question: string): Promise<boolean> {
  // Loaded only when there is someone to ask (a require: the bundled CLI runs as CommonJS).
  const { createInterface } = createRequire(import.meta.url)('node:readline/promises') as typeof Readline;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export async function runRepair(
  out: Output,
  opts: { yes?: boolean; progress?: boolean; wait?: string },
): Promise<void> {
  const run = longRun(out, opts.progress);
  let refused = false;
  const r = await repairStore(process.cwd(), {
    yes: opts.yes,
    lockWaitMs: lockWait(opts.wait),
    ...run.options,
    confirm: async (plan) => {
      run.done();
      for (const line of describe(plan)) process.stderr.write(`${line}\n`);
      if (process.stdin.isTTY && process.stderr.isTTY && !out.opts.json)
        return ask(`Go back to generation ${plan.recovered.generation}? [y/N] `);
      refused = true;
      return false;
    },
  }).finally(run.done);
  if (!r.damaged) return out.done('ok: nothing to repair', r);
  if (!r.repaired) {
    out.result([], r);
    throw new DigstoreError(
      refused ? 'USAGE' : 'INTEGRITY',
      refused ? 'not repaired: no terminal to ask, and --yes was not given' : 'not repaired: the store is as it was',
      refused ? 'run `digstore check --repair --yes` to go back as described above' : undefined,
    );
  }
  const lines = opts.yes ? describe(r) : [];
  lines.push(
    `repaired: the store is at generation ${r.recovered.generation}${r.sideFile ? `; the cut bytes are in ${r.sideFile}` : ''}`,
  );
  out.done(lines, r);
}
