import type { Command } from 'commander';
import { lockWait, openStore, output } from '../context.js';
import { interruptSignal } from '../interrupt.js';
import { formatBytes } from '../output.js';

export function registerCommit(program: Command): void {
  program
    .command('commit')
    .description('write the staged changes as a new layer and print the new root hash')
    .requiredOption('-m, --message <msg>', 'commit message')
    .option('--author <author>', 'author (default: user.name and user.email from the config)')
    .option('--full', 'write a full layer (every file) instead of a delta of the changes')
    .option('--wait <seconds>', 'wait this long for another writer to finish (default 5)')
    .action(async (opts: { message: string; author?: string; full?: boolean; wait?: string }, cmd: Command) => {
      const out = output(cmd);
      const r = await openStore().commit(opts.message, {
        author: opts.author,
        full: opts.full,
        lockWaitMs: lockWait(opts.wait),
        signal: interruptSignal(),
      });
      out.note(
        `[generation ${r.layer}, ${r.type} layer] ${r.files} files changed (${formatBytes(r.bytes)}), ${r.deleted} deleted, ` +
          `${r.newChunks} new chunks (${formatBytes(r.newBytes)}), ${r.reusedChunks} reused; ${r.totalFiles} files in total`,
      );
      out.done(r.root, r);
    });
}
