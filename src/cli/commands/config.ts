// `digstore config KEY [VALUE] [--global] [--list] [--unset]`, as git config: read a setting, set it in the
// store's file (or the global one), remove it, or list everything in effect with where it comes from.
import type { Command } from 'commander';
import { getConfig, listConfig, setConfig, unsetConfig } from '../../index.js';
import { UsageError } from '../../core/errors.js';
import { output } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { setExitStatus } from '../output.js';

interface Flags {
  global?: boolean;
  list?: boolean;
  unset?: boolean;
}

export function registerConfig(program: Command): void {
  program
    .command('config')
    .description("read or change a setting (docs/config.md): the store's file, or with --global everyone's")
    .argument('[key]', 'section.name, e.g. core.compression')
    .argument('[value]', 'the new value (numbers for sizes and counts)')
    .option('--global', 'the global $DIGSTORE_HOME/config.toml instead of the store’s own file')
    .option('--list', 'every setting in effect and where it comes from (default, global, store)')
    .option('--unset', 'remove the key from the file (the default or global value applies again)')
    .action((key: string | undefined, value: string | undefined, flags: Flags, cmd: Command) => {
      const out = output(cmd);
      const opts = { global: flags.global };
      if (flags.list) {
        if (key !== undefined) throw new UsageError('--list takes no key', 'use `digstore config KEY` for one key');
        const all = listConfig(opts);
        out.result(
          all.map((s) => `${s.key}=${s.value}${s.origin === 'default' ? '' : `  (${s.origin})`}`),
          all,
        );
        return;
      }
      if (key === undefined) throw new UsageError('missing KEY', 'use `digstore config --list` to see every key');
      if (flags.unset) {
        if (value !== undefined) throw new UsageError('--unset takes no value');
        const r = unsetConfig(key, opts);
        out.done([], { key, ...r });
        if (!r.removed) setExitStatus(EXIT.FAILURE); // as git: exit 5 there, here 1 = nothing to remove
        return;
      }
      if (value === undefined) {
        const s = getConfig(key, opts);
        out.result(String(s.value), s);
        return;
      }
      out.done([], { key, value, ...setConfig(key, value, opts) });
    });
}
