import type { Command } from 'commander';
import { openStore, output } from '../context.js';
import { UsageError } from '../../core/errors.js';

export function registerLog(program: Command): void {
  program
    .command('log')
    .description('list generations, newest first')
    .option('-n, --max-count <n>', 'show at most n generations')
    .option('--oneline', 'one line per generation')
    .action((opts: { maxCount?: string; oneline?: boolean }, cmd: Command) => {
      const out = output(cmd);
      let limit = Infinity;
      if (opts.maxCount !== undefined) {
        if (!/^\d+$/.test(opts.maxCount)) throw new UsageError(`-n must be a whole number, not '${opts.maxCount}'`);
        limit = Number(opts.maxCount);
      }
      const entries = openStore().log(limit);
      const lines: string[] = [];
      for (const e of entries) {
        if (opts.oneline) lines.push(`${e.root.slice(0, 12)} ${e.generation} ${e.message.split('\n')[0]}`);
        else {
          lines.push(`generation ${e.generation}  root ${e.root}`);
          if (e.author) lines.push(`Author: ${e.author}`);
          lines.push(`Date:   ${new Date(e.timestamp).toISOString()}`, `Files:  ${e.files}`, '');
          lines.push(...e.message.split('\n').map((l) => `    ${l}`), '');
        }
      }
      if (!opts.oneline && lines.length > 0) lines.pop();
      out.result(lines, entries);
    });
}
