import type { Command } from 'commander';
import { openStore, output } from '../context.js';
import { formatBytes } from '../output.js';

export function registerCommit(program: Command): void {
  program
    .command('commit')
    .description('write the staged changes as a new layer and print the new root hash')
    .requiredOption('-m, --message <msg>', 'commit message')
    .option('--author <author>', 'author (default: user.name and user.email from the config)')
    .action(async (opts: { message: string; author?: string }, cmd: Command) => {
      const out = output(cmd);
      const r = await openStore().commit(opts.message, { author: opts.author });
      out.note(
        `[generation ${r.layer}] ${r.files} files changed (${formatBytes(r.bytes)}), ${r.deleted} deleted, ` +
          `${r.newChunks} new chunks (${formatBytes(r.newBytes)}), ${r.reusedChunks} reused; ${r.totalFiles} files in total`,
      );
      out.result(r.root, r);
    });
}
