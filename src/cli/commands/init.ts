import type { Command } from 'commander';
import { Store } from '../../api/store.js';
import { output } from '../context.js';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create a store and link the current directory to it')
    .option('--name <name>', 'a name for the repository')
    .option('--store-id <id>', 'use this store ID (64 lowercase hex) instead of a random one')
    .action((opts: { name?: string; storeId?: string }, cmd: Command) => {
      const out = output(cmd);
      const store = Store.init(process.cwd(), { name: opts.name, storeId: opts.storeId });
      out.result(`initialized digstore project in ${store.projectRoot}\nstore ${store.storeId}`, {
        storeId: store.storeId, project: store.projectRoot, archive: store.paths.archive,
      });
    });
}
