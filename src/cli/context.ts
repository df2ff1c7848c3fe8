// Shared plumbing for command actions: global options, opening the project's store.
import type { Command } from 'commander';
import { LOCK_WAIT_MS } from '../api/options.js';
import { Store } from '../api/store.js';
import { UsageError } from '../core/errors.js';
import { Output, type GlobalOptions } from './output.js';

export function globals(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals() as Partial<GlobalOptions>;
  return { json: Boolean(o.json), quiet: Boolean(o.quiet), verbose: Boolean(o.verbose) };
}

export function output(cmd: Command): Output {
  return new Output(globals(cmd));
}

export function openStore(): Store {
  return Store.open(process.cwd());
}

/** `--wait SECONDS` of writer commands: how long to wait for another writer's lock (default 5). */
/** `--grace`-style durations: a number with s, m, h or d (`90s`, `10m`, `24h`, `7d`); 0 for none. */
export function parseDuration(flag: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(value);
  if (value === '0') return 0;
  if (!m) throw new UsageError(`${flag} must be a duration such as 90s, 10m, 24h or 7d, not '${value}'`);
  return Math.round(Number(m[1]) * { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[m[2] as 's' | 'm' | 'h' | 'd']);
}

export function lockWait(value: string | undefined): number {
  if (value === undefined) return LOCK_WAIT_MS;
  if (!/^\d+(\.\d+)?$/.test(value)) throw new UsageError(`--wait must be a number of seconds, not '${value}'`);
  return Math.round(Number(value) * 1000);
}
