// `gc` and `archive`: reclaiming space, and the archive file itself (stats, verification, compaction).
import type { Command } from 'commander';
import type { GcReport } from '../../index.js';
import { UsageError } from '../../core/errors.js';
import { gcRemoteStore, openRemote, resolveRemote } from '../../api/remote.js';
import { lockWait, openStore, output, parseDuration } from '../context.js';
import { formatBytes, type Output } from '../output.js';
import { longRun } from '../progress.js';
import { checkReportLines } from './check.js';

const describe = (r: GcReport, dry: boolean) => [
  ...(r.pruned ? [`${r.pruned} of ${r.layers} generations ${dry ? 'would be' : 'are'} pruned (roots kept)`] : []),
  `${r.unreferencedChunks} chunks (${formatBytes(r.unreferencedBytes)}) no generation names, ${formatBytes(r.deadIndexBytes)} of superseded indexes`,
  dry || !r.rewritten
    ? `archive ${formatBytes(r.archiveBytes)}${r.compactedBytes < r.archiveBytes ? `; compacted it would be ${formatBytes(r.compactedBytes)}` : ': nothing to reclaim'}`
    : `archive ${formatBytes(r.archiveBytes)} -> ${formatBytes(r.compactedBytes)}`,
];

interface GcFlags {
  dryRun?: boolean;
  keepHistory?: string;
  remote?: string;
  grace?: string;
  wait?: string;
  progress?: boolean;
}

async function gcRemoteCommand(out: Output, opts: GcFlags): Promise<void> {
  if (opts.keepHistory !== undefined) throw new UsageError('--keep-history is for the local store, not --remote');
  const store = openStore();
  const graceMs = opts.grace === undefined ? undefined : parseDuration('--grace', opts.grace);
  const r = await gcRemoteStore(store, openRemote(resolveRemote(store, opts.remote)), {
    graceMs,
    dryRun: opts.dryRun,
    settleMs: store.config.remote.settle_ms,
  });
  const verb = opts.dryRun ? 'would remove' : 'removed';
  out.done(
    [
      `${verb} ${r.removedObjects} object(s) (${formatBytes(r.removedBytes)}) no winning generation names`,
      `kept ${r.keptObjects} object(s) (${formatBytes(r.keptBytes)})${r.youngObjects ? `; ${r.youngObjects} unnamed object(s) younger than the grace period left alone` : ''}`,
    ],
    r,
  );
}

interface ArchiveFlags {
  stats?: boolean;
  verify?: boolean;
  compact?: boolean;
  wait?: string;
  progress?: boolean;
}

export function registerGc(program: Command): void {
  program
    .command('gc')
    .description('drop stored data no generation needs (every generation and root is kept)')
    .option('-n, --dry-run', 'only report what would be reclaimed')
    .option('--keep-history <n>', 'also remove the generations before the last N (their roots stay in the history)')
    .option('--remote <name>', 'instead: remove what no winning generation names from this remote (docs/remote.md)')
    .option('--grace <duration>', 'with --remote: only objects older than this (default 24h; e.g. 10m, 7d)')
    .option('--wait <seconds>', 'wait this long for another writer to finish (default 5)')
    .option('--progress', 'show a progress line even when stderr is not a terminal')
    .action(async (opts: GcFlags, cmd: Command) => {
      if (opts.remote !== undefined) return gcRemoteCommand(output(cmd), opts);
      if (opts.grace !== undefined) throw new UsageError('--grace goes with --remote');
      if (opts.keepHistory !== undefined && !/^[1-9]\d*$/.test(opts.keepHistory))
        throw new UsageError(`--keep-history must be a whole number >= 1, not '${opts.keepHistory}'`);
      const keepHistory = opts.keepHistory === undefined ? undefined : Number(opts.keepHistory);
      const out = output(cmd);
      const run = longRun(out, opts.progress);
      const r = await openStore()
        .gc({ dryRun: opts.dryRun, keepHistory, lockWaitMs: lockWait(opts.wait), ...run.options })
        .finally(run.done);
      out.done(describe(r, Boolean(opts.dryRun)), r);
    });
  program
    .command('archive')
    .description('the store archive file: --stats, --verify (every checksum and chunk) or --compact')
    .option('--stats', 'sizes: layers, chunk data, metadata, reclaimable bytes')
    .option('--verify', 'verify every checksum, root and chunk (as check --deep)')
    .option('--compact', 'rewrite without unneeded bytes, atomically (as gc)')
    .option('--wait <seconds>', 'with --compact: wait this long for another writer (default 5)')
    .option('--progress', 'show a progress line even when stderr is not a terminal')
    .action(async (opts: ArchiveFlags, cmd: Command) => {
      const out = output(cmd);
      const n = [opts.stats, opts.verify, opts.compact].filter(Boolean).length;
      if (n !== 1) throw new UsageError('give exactly one of --stats, --verify, --compact');
      const store = openStore();
      const run = longRun(out, opts.progress);
      if (opts.compact) {
        const r = await store.gc({ lockWaitMs: lockWait(opts.wait), ...run.options }).finally(run.done);
        out.done(describe(r, false), r);
      } else if (opts.verify) {
        checkReportLines(out, await store.check({ deep: true, ...run.options }).finally(run.done), true);
      } else {
        const r = await store.gc({ dryRun: true });
        const s = store.size();
        out.result(
          [
            `archive      ${store.paths.archive}`,
            `layers       ${r.layers}`,
            `size         ${formatBytes(s.archiveBytes)}`,
            `chunk data   ${formatBytes(s.storedData)} (${formatBytes(s.chunkBytes)} uncompressed)`,
            `metadata     ${formatBytes(s.storedMetadata)}`,
            `reclaimable  ${formatBytes(r.archiveBytes - r.compactedBytes)} (digstore gc)`,
          ],
          { ...s, ...r, archive: store.paths.archive },
        );
      }
    });
}
