import { quotePath as q } from '../../core/path-bytes.js';
import type { Command } from 'commander';
import type { CheckReport } from '../../index.js';
import { DigstoreError, UsageError } from '../../core/errors.js';
import { Store } from '../../api/store.js';
import { output } from '../context.js';
import { runRepair } from './repair.js';
import { longRun } from '../progress.js';
import { formatBytes, type Output } from '../output.js';

/** Prints a check report (problems, or the ok line) and fails with the integrity code when damaged. */
export function checkReportLines(out: Output, r: CheckReport, deep: boolean): void {
  const lines = r.problems.map(
    (p) =>
      `${p.layer === 0 ? 'archive' : `layer ${p.layer}`}: ${p.message}${p.paths ? ` (${p.paths.map(q).join(', ')})` : ''}`,
  );
  if (r.ok) {
    lines.push(
      `ok: ${r.layers} layers, ${r.files} files in the latest generation` +
        (deep ? `, ${r.chunksChecked} chunks (${formatBytes(r.bytesChecked)}) re-hashed` : '') +
        (r.notFetchedBytes
          ? `; ${formatBytes(r.notFetchedBytes)} of chunk data not fetched yet (a lazy clone: checked when fetched)`
          : ''),
    );
  }
  if (r.ok) out.done(lines, r);
  else out.result(lines, r); // damage is reported even with -q
  if (!r.ok)
    throw new DigstoreError(
      'INTEGRITY',
      `the store is damaged: ${r.problems.length} problem(s) found`,
      'run `digstore check --repair` to go back to the newest intact generation',
      { problems: r.problems.length },
    );
}

interface CheckFlags {
  deep?: boolean;
  layer?: string;
  progress?: boolean;
  repair?: boolean;
  yes?: boolean;
  wait?: string;
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('verify the store: checksums, indexes, every root in the history (exit 5 if damaged)')
    .option('--deep', 're-hash every stored chunk as well')
    .option('--layer <n>', 'with --deep, re-hash only the chunks of layer n')
    .option('--progress', 'show a progress line even when stderr is not a terminal')
    .option('--repair', 'go back to the newest generation whose bytes all verify (asks first; cut bytes are kept)')
    .option('-y, --yes', 'with --repair: do not ask')
    .option('--wait <seconds>', 'with --repair: wait this long for another writer to finish (default 5)')
    .action(async (opts: CheckFlags, cmd: Command) => {
      if (opts.repair) return runRepair(output(cmd), opts);
      if (opts.yes) throw new UsageError('--yes goes with --repair');
      if (opts.layer !== undefined && !/^\d+$/.test(opts.layer))
        throw new UsageError(`--layer must be a layer number, not '${opts.layer}'`);
      const out = output(cmd);
      const run = longRun(out, opts.progress); // Ctrl-C stops a long --deep check cleanly: exit 130
      const layer = opts.layer === undefined ? undefined : Number(opts.layer);
      const r = await Store.openForCheck(process.cwd())
        .check({ deep: opts.deep, layer, ...run.options })
        .finally(run.done);
      checkReportLines(out, r, Boolean(opts.deep));
    });
}
