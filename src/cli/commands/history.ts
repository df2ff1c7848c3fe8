// `root` and `history`: the current root hash and the root history (every generation).
import type { Command } from 'commander';
import { NotFoundError } from '../../core/errors.js';
import { openStore, output } from '../context.js';

export function registerHistory(program: Command): void {
  program
    .command('root')
    .description('print the root hash of the latest generation')
    .action((_opts: unknown, cmd: Command) => {
      const out = output(cmd);
      const root = openStore().root();
      if (!root) throw new NotFoundError('the store has no commits yet', 'run `digstore commit -m MESSAGE` first');
      out.result(root, { root });
    });
  program
    .command('history')
    .description('the root history: every generation with its root hash, time, layer and message, oldest first')
    .action((_opts: unknown, cmd: Command) => {
      const out = output(cmd);
      const h = openStore().history();
      out.result(
        h.map(
          (e) =>
            `${String(e.generation).padStart(4)}  ${e.root}  ${e.time}  layer ${e.layer} (${e.type})  ${e.message.split('\n')[0]}`,
        ),
        h,
      );
    });
}
