import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { openStore, output } from '../context.js';
import { dedupText, formatBytes } from '../output.js';

export function registerAdd(program: Command): void {
  program
    .command('add')
    .description('stage files for the next commit')
    .argument('[paths...]', 'files (or directories with -r) to stage')
    .option('-r, --recursive', 'add directories recursively')
    .option('-A, --all', 'add every file of the project')
    .action(async (paths: string[], opts: { recursive?: boolean; all?: boolean }, cmd: Command) => {
      const out = output(cmd);
      const store = openStore();
      if (opts.all && paths.length > 0) throw new UsageError('-A takes no paths', 'use either -A or a list of paths');
      const r = opts.all
        ? await store.addDirectory(store.projectRoot, { recursive: true })
        : await store.add(paths, { recursive: opts.recursive });
      for (const s of r.skipped) out.warn(`skipped ${s.path}: ${s.reason}`);
      out.note(
        `staged ${r.files - r.unchanged} files (${formatBytes(r.bytes)} read, ${r.unchanged} unchanged): ` +
          `${r.newChunks} new chunks (${formatBytes(r.newBytes)}), ${r.reusedChunks} reused, ${dedupText(r.newBytes, r.reusedBytes)}`,
      );
      out.result([], { ...r, staged: r.files - r.unchanged });
    });
}
