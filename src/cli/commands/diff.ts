// `staged`, `diff` and `find`: file lists between and within generations.
import { quotePath as q } from '../../core/path-bytes.js';
import type { Command } from 'commander';
import type { DiffEntry } from '../../api/inspect.js';
import { toHex } from '../../core/digest.js';
import { openStore, output } from '../context.js';

const CODE = { added: 'A', modified: 'M', deleted: 'D' } as const;
const lines = (d: readonly DiffEntry[], nameOnly?: boolean) =>
  d.map((e) => (nameOnly ? q(e.path) : `${CODE[e.change]}  ${q(e.path)}`));

export function registerDiff(program: Command): void {
  program
    .command('staged')
    .description('list staged changes (what the next commit records)')
    .action((_opts: unknown, cmd: Command) => {
      const d = openStore().staged();
      output(cmd).result(lines(d), d);
    });
  program
    .command('diff')
    .description('files added (A), modified (M) and deleted (D) between two generations')
    .argument('<from>', 'root hash or unique prefix (at least 8 hex)')
    .argument('[to]', 'root hash or unique prefix (default: the latest generation)')
    .option('--name-only', 'only the paths')
    .action((from: string, to: string | undefined, opts: { nameOnly?: boolean }, cmd: Command) => {
      const d = openStore().diff(from, to);
      output(cmd).result(lines(d, opts.nameOnly), d);
    });
  program
    .command('find')
    .description('stored files whose path matches a pattern (gitignore syntax: *.txt at any depth, src/** anchored)')
    .argument('<pattern>', 'the pattern')
    .option('--at <root>', 'search this generation (root hash or a unique prefix of at least 8 hex)')
    .action((pattern: string, opts: { at?: string }, cmd: Command) => {
      const files = openStore().find(pattern, { root: opts.at });
      output(cmd).result(
        files.map((f) => q(f.path)),
        files.map((f) => ({ path: f.path, size: f.size, hash: toHex(f.hash) })),
      );
    });
}
