// `export` and `import`: move a store (or the layers after a root) between machines as one file.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Store } from '../../api/store.js';
import { lockWait, openStore, output } from '../context.js';
import { longRun } from '../progress.js';
import { formatBytes } from '../output.js';

export function registerTransfer(program: Command): void {
  program
    .command('export')
    .description('write the store (or the generations after --since) to one self-contained file')
    .argument('<file>', 'the export file to write (replaced atomically)')
    .option('--since <root>', 'only the generations after this root (hash or unique prefix of at least 8 hex)')
    .option('--progress', 'show a progress line even when stderr is not a terminal')
    .action(async (file: string, opts: { since?: string; progress?: boolean }, cmd: Command) => {
      const out = output(cmd);
      const run = longRun(out, opts.progress);
      const r = await openStore()
        .export(file, { since: opts.since, ...run.options })
        .finally(run.done);
      out.done(
        `exported generations ${r.fromGeneration + 1}-${r.toGeneration} of store ${r.storeId} to ${resolve(file)} (${formatBytes(r.bytes)}); root ${r.root}`,
        r,
      );
    });
  program
    .command('import')
    .description('recreate or extend a store from an export file, verifying every hash (no project needed)')
    .argument('<file>', 'an export file from `digstore export`')
    .option('--verify', 'accepted for clarity: every import is fully verified before it becomes visible')
    .option('--wait <seconds>', 'wait this long for another writer to finish (default 5)')
    .option('--progress', 'show a progress line even when stderr is not a terminal')
    .action(async (file: string, opts: { wait?: string; progress?: boolean }, cmd: Command) => {
      const out = output(cmd);
      const run = longRun(out, opts.progress);
      const r = await Store.import(file, { lockWaitMs: lockWait(opts.wait), ...run.options }).finally(run.done);
      out.done(
        r.changed
          ? `imported ${r.layers} generation(s) into store ${r.storeId}; now at generation ${r.generation}, root ${r.root}`
          : `store ${r.storeId} already holds generation ${r.generation} (root ${r.root}): nothing to do`,
        r,
      );
    });
}
