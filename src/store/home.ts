// Where a store's files live: `$DIGSTORE_HOME` (default ~/.dig) holds, per store, the archive
// `{storeId}.dig` and its sidecars (staging, chunk index and root index caches, stat cache, lock, per-store
// config).
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function resolveHome(explicit?: string): string {
  const h = explicit ?? process.env.DIGSTORE_HOME;
  return resolve(h && h.length > 0 ? h : join(homedir(), '.dig'));
}

export interface StorePaths {
  home: string;
  archive: string;
  staging: string;
  chunkIndex: string;
  rootIndex: string;
  statCache: string;
  lock: string;
  config: string;
  globalConfig: string;
}

export function storePaths(home: string, storeIdHex: string): StorePaths {
  return {
    home,
    archive: join(home, `${storeIdHex}.dig`),
    staging: join(home, `${storeIdHex}.staging`),
    chunkIndex: join(home, `${storeIdHex}.idx`),
    rootIndex: join(home, `${storeIdHex}.roots`),
    statCache: join(home, `${storeIdHex}.stat`),
    lock: join(home, `${storeIdHex}.lock`),
    config: join(home, `${storeIdHex}.toml`),
    globalConfig: join(home, 'config.toml'),
  };
}
