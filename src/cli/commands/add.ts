import type { Command } from 'commander';
import { quotePath } from '../../core/path-bytes.js';
import { DigstoreError, UsageError } from '../../core/errors.js';
import { lockWait, openStore, output } from '../context.js';
import { dedupText, formatBytes } from '../output.js';
import { formatProgress, progressSink } from '../progress.js';
import { interruptSignal } from '../interrupt.js';

interface AddFlags {
  recursive?: boolean;
  all?: boolean;
  progress?: boolean;
  force?: boolean;
  dryRun?: boolean;
  wait?: string;
}

export function registerAdd(program: Command): void {
  program
    .command('add')
    .description('stage files for the next commit')
    .argument('[paths...]', 'files (or directories with -r) to stage')
    .option('-r, --recursive', 'add directories recursively')
    .option('-A, --all', 'add every file of the project')
    .option('-f, --force', 'add files even if .digignore rules exclude them')
    .option('-n, --dry-run', 'print the paths that would be staged (project-relative, one per line); stage nothing')
    .option('--progress', 'show progress even when stderr is not a terminal')
    .option('--wait <seconds>', 'wait this long for another writer to finish (default 5)')
    .action(async (paths: string[], opts: AddFlags, cmd: Command) => {
      const out = output(cmd);
      const store = openStore();
      if (opts.all && paths.length > 0) throw new UsageError('-A takes no paths', 'use either -A or a list of paths');
      if (opts.dryRun) {
        const list = store.addDryRun(opts.all ? 'all' : paths, {
          recursive: opts.recursive,
          force: opts.force,
          cwd: process.cwd(),
        });
        out.result(list, { paths: list });
        return;
      }
      const mode = out.opts.json
        ? 'json'
        : out.opts.quiet
          ? 'off'
          : process.stderr.isTTY || opts.progress
            ? 'tty'
            : 'off';
      const sink = progressSink(
        mode,
        (s) => (mode === 'json' ? process.stdout : process.stderr).write(s),
        formatProgress,
      );
      const common = {
        onProgress: sink.onProgress,
        signal: interruptSignal(),
        force: opts.force,
        lockWaitMs: lockWait(opts.wait),
      };
      const r = await (opts.all
        ? store.addDirectory(store.projectRoot, { recursive: true, ...common })
        : store.add(paths, { recursive: opts.recursive, cwd: process.cwd(), ...common })
      ).finally(sink.done);
      for (const s of r.skipped) out.warn(`skipped ${quotePath(s.path)}: ${s.reason}`);
      for (const f of r.failed) out.warn(`could not store ${quotePath(f.path)}: ${f.reason}`);
      const secs = r.elapsedMs / 1000;
      // Like the progress line, the summary is for a person watching: not written into logs and pipes.
      if (process.stderr.isTTY || opts.progress || out.opts.verbose)
        out.note(
          `staged ${r.staged} files, ${r.unchanged} unchanged (${r.skippedByStatCache} not re-read); ` +
            `read ${formatBytes(r.bytes)}: ${r.newChunks} new chunks (${formatBytes(r.newBytes)}, ${formatBytes(r.storedBytes)} stored), ${r.reusedChunks} reused, ` +
            `${dedupText(r.newBytes, r.reusedBytes)}; ${secs.toFixed(2)} s, ${(r.files / Math.max(secs, 1e-3)).toFixed(0)} files/s, ` +
            `${(r.bytes / 1e6 / Math.max(secs, 1e-3)).toFixed(1)} MB/s`,
        );
      out.result([], { type: 'summary', ...r });
      if (r.failed.length > 0) {
        throw new DigstoreError(
          'PARTIAL',
          `${r.failed.length} path(s) could not be stored; the rest were staged`,
          'see the warnings above',
        );
      }
    });
}
