// The public face of `digstore config`: which TOML file a setting lives in (the global one, or the store's of
// the project containing `cwd`), and reading, setting and unsetting keys there (store/config-edit.ts).
import { NoStoreError } from '../core/errors.js';
import { type ConfigSetting, configGet, configList, configSet, configUnset } from '../store/config-edit.js';
import { resolveHome, storePaths } from '../store/home.js';
import { findProjectRoot, readLink } from '../store/project.js';

export type { ConfigSetting, ConfigOrigin, ConfigValue } from '../store/config-edit.js';

export interface ConfigOptions {
  /** The global `$DIGSTORE_HOME/config.toml` instead of the project's store file. */
  global?: boolean;
  /** Store home; default `$DIGSTORE_HOME` or ~/.dig. */
  home?: string;
  /** Where to look for the project (default: process.cwd()). */
  cwd?: string;
}

interface Files {
  global: string;
  store?: string;
  /** The file an edit goes to. */
  target: string;
}

function configFiles(opts: ConfigOptions, needStore: boolean): Files {
  const home = resolveHome(opts.home);
  const global = storePaths(home, '').globalConfig;
  if (opts.global) return { global, target: global };
  let projectRoot: string;
  try {
    projectRoot = findProjectRoot(opts.cwd ?? process.cwd());
  } catch (e) {
    if (!needStore && e instanceof NoStoreError) return { global, target: global };
    if (e instanceof NoStoreError) throw new NoStoreError(e.message, 'use --global for the global settings');
    throw e;
  }
  const store = storePaths(home, readLink(projectRoot).store_id).config;
  return { global, store, target: store };
}

/** Every setting in effect (defaults, then the global file, then the store's), with where it comes from. */
export function listConfig(opts: ConfigOptions = {}): ConfigSetting[] {
  const f = configFiles(opts, false);
  return configList(opts.global ? { global: f.global } : f);
}

/** One setting in effect. Unknown keys are a UsageError. */
export function getConfig(key: string, opts: ConfigOptions = {}): ConfigSetting {
  const f = configFiles(opts, false);
  return configGet(opts.global ? { global: f.global } : f, key);
}

/** Writes `key = value` (typed as the key's default) into the store's file, or the global one. */
export function setConfig(key: string, value: string, opts: ConfigOptions = {}): { file: string } {
  const f = configFiles(opts, true);
  configSet(f.target, key, value);
  return { file: f.target };
}

/** Removes `key` from the store's (or global) file; `removed` is false when it was not set there. */
export function unsetConfig(key: string, opts: ConfigOptions = {}): { file: string; removed: boolean } {
  const f = configFiles(opts, true);
  return { file: f.target, removed: configUnset(f.target, key) };
}
