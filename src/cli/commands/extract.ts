// `extract PATH DEST`: stored files under PATH (a file, a directory, or `.` for all) written into DEST.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Store } from '../../api/store.js';
import { DigstoreError } from '../../core/errors.js';
import { quotePath } from '../../core/path-bytes.js';
import { output } from '../context.js';
import { formatBytes } from '../output.js';

export function registerExtract(program: Command): void {
  program
    .command('extract')
    .description('write stored files (a file, a directory, or . for all) into a directory, with their paths')
    .argument('<path>', 'stored file or directory, a URN, or . for the whole generation')
    .argument('<dest>', 'destination directory (created if missing)')
    .option('--at <root>', 'extract this generation (root hash or a unique prefix of at least 8 hex)')
    .option('--force', 'replace files that already exist in DEST')
    .option(
      '--sync',
      'make each file durable on disk before it appears under its name (as cp and tar, the default leaves flushing to the system)',
    )
    .action(
      async (path: string, dest: string, opts: { at?: string; force?: boolean; sync?: boolean }, cmd: Command) => {
        const out = output(cmd);
        const whole = path === '.' || path === '/';
        const r = await Store.openFor(whole ? undefined : path, process.cwd()).extract(whole ? undefined : path, dest, {
          root: opts.at,
          force: opts.force,
          sync: opts.sync,
        });
        for (const f of r.failed) out.warn(`could not extract ${quotePath(f.path)}: ${f.reason}`);
        out.done(`extracted ${r.files} files (${formatBytes(r.bytes)}) into ${resolve(dest)}`, r);
        if (r.failed.length > 0) {
          const corrupt = r.failed.some((f) => f.integrity); // damaged stored data outranks a write failure
          throw new DigstoreError(
            corrupt ? 'INTEGRITY' : 'PARTIAL',
            `${r.failed.length} file(s) could not be extracted${corrupt ? ' (stored data failed to verify)' : ''}; the rest were`,
            corrupt ? 'run `digstore check --deep`' : 'see the warnings above',
          );
        }
      },
    );
}
