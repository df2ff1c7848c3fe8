// `digstore config`: reads and edits the global and per-store TOML through the same loader that applies them,
// so a value the command accepts is a value every later command accepts. An edit is validated as a whole
// (the new file must load on top of DEFAULTS) before it replaces the old file atomically; a refused edit
// leaves the file byte-identical.
import { stringify } from 'smol-toml';
import { UsageError } from '../core/errors.js';
import { applyToml, type Config, DEFAULTS, parseToml, readConfigText } from './config.js';
import { writeFileAtomic } from './fs-utils.js';

export type ConfigValue = string | number;
export type ConfigOrigin = 'default' | 'global' | 'store';

export interface ConfigSetting {
  key: string;
  value: ConfigValue;
  origin: ConfigOrigin;
}

type Table = Record<string, unknown>;

/** Every documented key (`section.name`), in DEFAULTS order. */
export function configKeys(): string[] {
  return Object.entries(DEFAULTS).flatMap(([section, t]) => Object.keys(t as Table).map((k) => `${section}.${k}`));
}

function defaultOf(key: string): ConfigValue {
  const [section, name, ...rest] = key.split('.');
  const table = (DEFAULTS as unknown as Record<string, Table>)[section];
  if (rest.length > 0 || !table || !name || !(name in table))
    throw new UsageError(`unknown setting '${key}'`, 'see `digstore config --list` or docs/config.md');
  return table[name] as ConfigValue;
}

/** The text a user typed, as the TOML type of the key's default (numbers stay numbers; workers: 'auto' or n). */
function typed(key: string, text: string): ConfigValue {
  const def = defaultOf(key);
  if (typeof def === 'string' && !(key === 'performance.workers' && /^\d+$/.test(text))) return text;
  if (!/^\d{1,15}$/.test(text))
    throw new UsageError(
      `invalid value '${text}' for ${key}: expected a whole number >= 0${key === 'performance.workers' ? " or 'auto'" : ''}`,
    );
  return Number(text);
}

/** The table a config file holds (empty when there is no file). */
function readTable(file: string): Table {
  const text = readConfigText(file);
  return text === undefined ? {} : parseToml(text, file, 'fix or remove the file');
}

/** Validates the edited table as a whole and writes it in place of `file` (atomically). */
function writeTable(file: string, table: Table): void {
  for (const [k, v] of Object.entries(table)) if (v && typeof v === 'object' && !Object.keys(v).length) delete table[k];
  const text = stringify(table);
  applyToml(structuredClone(DEFAULTS) as Config, text, file); // throws (UsageError) on a bad value: file untouched
  writeFileAtomic(file, Buffer.from(text.length > 0 ? `${text}\n` : '', 'utf8'));
}

/** Sets `key` to `text` in `file`. */
export function configSet(file: string, key: string, text: string): void {
  const value = typed(key, text);
  const table = readTable(file);
  const [section, name] = key.split('.');
  const t = (table[section] ?? {}) as Table;
  t[name] = value;
  table[section] = t;
  writeTable(file, table);
}

/** Removes `key` from `file`; false when it was not set there. */
export function configUnset(file: string, key: string): boolean {
  defaultOf(key);
  const table = readTable(file);
  const [section, name] = key.split('.');
  const t = table[section] as Table | undefined;
  if (!t || !(name in t)) return false;
  delete t[name];
  writeTable(file, table);
  return true;
}

/** Effective settings with where each comes from; `files` = [global, store?] as the loader reads them. */
export function configList(files: { global: string; store?: string }): ConfigSetting[] {
  const layers: Array<[ConfigOrigin, Table]> = [['global', readTable(files.global)]];
  if (files.store) layers.push(['store', readTable(files.store)]);
  return configKeys().map((key) => {
    const [section, name] = key.split('.');
    let setting: ConfigSetting = { key, value: defaultOf(key), origin: 'default' };
    for (const [origin, table] of layers) {
      const t = table[section] as Table | undefined;
      if (t && name in t) setting = { key, value: t[name] as ConfigValue, origin };
    }
    return setting;
  });
}

/** One key's effective setting. */
export function configGet(files: { global: string; store?: string }, key: string): ConfigSetting {
  defaultOf(key);
  return configList(files).find((s) => s.key === key)!;
}
