import { quotePath as q } from '../../core/path-bytes.js';
import type { Command } from 'commander';
import { openStore, output } from '../context.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show staged, modified, deleted and untracked files')
    .option('-s, --short', 'one line per file, git style (XY PATH)')
    .option('--porcelain', 'same as --short, stable for scripts')
    .action((opts: { short?: boolean; porcelain?: boolean }, cmd: Command) => {
      const out = output(cmd);
      const s = openStore().status();
      for (const d of s.unreadable) out.warn(`cannot read ${q(d)}: its files are not compared`);
      const code = { added: 'A', modified: 'M', deleted: 'D' } as const;
      const lines: string[] = [];
      if (opts.short || opts.porcelain) {
        for (const e of s.staged) lines.push(`${code[e.change]}  ${q(e.path)}`);
        for (const p of s.modified) lines.push(` M ${q(p)}`);
        for (const p of s.deleted) lines.push(` D ${q(p)}`);
        for (const p of s.untracked) lines.push(`?? ${q(p)}`);
      } else {
        const section = (title: string, items: string[]) => {
          if (items.length === 0) return;
          lines.push(title, ...items.map((i) => `  ${q(i)}`), '');
        };
        section(
          'Staged for commit:',
          s.staged.map((e) => `${e.change.padEnd(9)} ${q(e.path)}`),
        );
        section('Modified, not staged:', s.modified);
        section('Deleted, not staged:', s.deleted);
        section('Untracked:', s.untracked);
        if (lines.length === 0) lines.push('nothing to commit, working tree clean');
        else lines.pop();
      }
      out.result(lines, s);
    });
}
