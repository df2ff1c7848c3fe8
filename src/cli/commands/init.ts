import type { Command } from 'commander';
import { Store } from '../../api/store.js';
import { output } from '../context.js';
import { checkCompression } from '../../core/compression.js';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create a store and link the current directory to it')
    .option('--name <name>', 'a name for the repository')
    .option('--store-id <id>', 'use this store ID (64 lowercase hex) instead of a random one')
    .option('--no-compression', 'store chunks uncompressed (default: brotli, see docs/config.md)')
    .option('--compression <algo>', 'chunk compression for this store: brotli, gzip, zstd (Node 22.15+) or none')
    .action((opts: { name?: string; storeId?: string; compression?: string | boolean }, cmd: Command) => {
      const out = output(cmd);
      // commander: --no-compression gives false; neither flag gives its implied default, true.
      const compression =
        opts.compression === false
          ? 'none'
          : typeof opts.compression === 'string'
            ? checkCompression(opts.compression, '--compression')
            : undefined;
      const store = Store.init(process.cwd(), { name: opts.name, storeId: opts.storeId, compression });
      out.done(`initialized digstore project in ${store.projectRoot}\nstore ${store.storeId}`, {
        storeId: store.storeId,
        project: store.projectRoot,
        archive: store.paths.archive,
      });
    });
}
