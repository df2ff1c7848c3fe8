// The remotes a store knows by name: `{storeId}.remotes.json` beside the archive, `{ "NAME": "URL" }`. Only
// URLs: credentials come from the transport's own configuration (for S3, the AWS SDK's default chain) and are
// never written here or anywhere else by digstore.
import { readFileSync } from 'node:fs';
import { CorruptDataError, fromSystemError } from '../core/errors.js';
import { writeFileAtomic } from './fs-utils.js';

export type Remotes = Record<string, string>;

export const remotesFile = (archivePath: string) => archivePath.replace(/\.dig$/, '.remotes.json');

export function readRemotes(file: string): Remotes {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw fromSystemError(e, `cannot read ${file}`);
  }
  try {
    const r = JSON.parse(text);
    if (r && typeof r === 'object' && Object.values(r).every((v) => typeof v === 'string')) return r as Remotes;
  } catch {
    // fall through
  }
  throw new CorruptDataError(`${file} is not a list of remotes`, `fix or delete ${file}`);
}

export function writeRemotes(file: string, remotes: Remotes): void {
  writeFileAtomic(file, Buffer.from(`${JSON.stringify(remotes, null, 2)}\n`));
}

/** The remote heads this store last saw, by remote URL: where the next push or pull starts reading. */
/** Per remote URL: the head last seen there and the key of the gen object that made it the head. */
export type RemoteHeads = Record<string, { generation: number; root: string; key?: string }>;

export const remoteHeadsFile = (archivePath: string) => archivePath.replace(/\.dig$/, '.remote-heads.json');

export function readRemoteHeads(file: string): RemoteHeads {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    return r && typeof r === 'object' ? (r as RemoteHeads) : {};
  } catch {
    return {}; // a cache: missing or unreadable only means reading the remote's chain from its start
  }
}

export function writeRemoteHead(
  file: string,
  url: string,
  head: { generation: number; root: string; key?: string },
): void {
  writeFileAtomic(file, Buffer.from(`${JSON.stringify({ ...readRemoteHeads(file), [url]: head }, null, 2)}\n`));
}
