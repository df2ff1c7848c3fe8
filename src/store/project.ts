// The `.digstore` link file: TOML at a project's root naming the store it belongs to. It holds no data.
// Every command but `init` finds it by walking up from the working directory, as git finds `.git`.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse, stringify } from 'smol-toml';
import { isHash } from '../core/digest.js';
import { CorruptDataError, NoStoreError } from '../core/errors.js';

export const LINK_FILE = '.digstore';
export const LINK_VERSION = 1;

export interface ProjectLink {
  version: number;
  store_id: string;
  repository_name: string;
  created_at: string;
}

export function encodeLink(link: ProjectLink): string {
  return `# digstore project link: this directory's files are stored in the store named below.\n${stringify(link)}\n`;
}

export function decodeLink(text: string, where: string): ProjectLink {
  let t: Record<string, unknown>;
  try {
    t = parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new CorruptDataError(`${where}: invalid TOML (${(e as Error).message.split('\n')[0]})`);
  }
  if (t.version !== LINK_VERSION) throw new CorruptDataError(`${where}: unsupported version ${String(t.version)}`);
  if (typeof t.store_id !== 'string' || !isHash(t.store_id))
    throw new CorruptDataError(`${where}: store_id must be 64 lowercase hex characters`);
  return {
    version: LINK_VERSION,
    store_id: t.store_id,
    repository_name: typeof t.repository_name === 'string' ? t.repository_name : '',
    created_at: typeof t.created_at === 'string' ? t.created_at : '',
  };
}

/** Walks up from `start` to the nearest directory holding a `.digstore` file. */
export function findProjectRoot(start: string): string {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, LINK_FILE);
    if (existsSync(candidate) && statSync(candidate).isFile()) return dir;
    const parent = dirname(dir);
    if (parent === dir)
      throw new NoStoreError(`not a digstore project (no ${LINK_FILE} in ${resolve(start)} or any parent directory)`);
    dir = parent;
  }
}

export function readLink(root: string): ProjectLink {
  const file = join(root, LINK_FILE);
  return decodeLink(readFileSync(file, 'utf8'), file);
}
