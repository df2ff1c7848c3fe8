// push (docs/remote.md): the segment read straight from the archive, cut into content-named parts (skipped where
// the remote has them), then one gen object, and a wait until it settles to learn whether it won.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError, IntegrityError, NotFoundError } from '../core/errors.js';
import { claimKey, followChain, type GenObject, GEN_FORMAT, genKey, nextEdge, partKey } from '../remote/chain.js';
import { type ObjectStore, PIECE_BYTES } from '../remote/object-store.js';
import { openSegment, type Segment } from '../store/transfer.js';
import { checkpoint, type LongOperation, phaseReporter } from '../store/interrupt.js';
import { readRemoteHeads, remoteHeadsFile, writeRemoteHead } from '../store/remotes-file.js';
import type { Store } from './store.js';
import { localHead, type RemoteOptions, settleOf } from './remote-common.js';

/** Parts of at most this many bytes: a few requests for a small push, multipart-sized pieces for a large one. */
export const PART_BYTES = 64 * 1024 * 1024;
/** Parts sent at once by a push (each a multipart upload of a few pieces in flight: s3-store.ts). */
const PARTS_IN_FLIGHT = 1;

export interface PushResult {
  remote: string;
  pushed: boolean;
  fromGeneration: number;
  toGeneration: number;
  root: string;
  parts: number;
  uploadedBytes: number;
}

/** Uploads the segment as parts (skipping those already there); their keys and sizes. */
async function uploadParts(remote: ObjectStore, storeId: string, seg: Segment, op: LongOperation) {
  const parts: GenObject['parts'] = [];
  const report = phaseReporter(op.onProgress, 'upload', seg.size, Math.ceil(seg.size / PART_BYTES));
  let uploaded = 0;
  let done = 0;
  let objects = 0;
  // Named by content: every part hashed first (and the whole segment, from the same reads)…
  const segment = createHash('sha256');
  for (let at = 0; at < seg.size; at += PART_BYTES) {
    const length = Math.min(PART_BYTES, seg.size - at);
    const part = createHash('sha256');
    for (let p = 0; p < length; p += PIECE_BYTES) {
      const piece = seg.read(at + p, Math.min(PIECE_BYTES, length - p));
      part.update(piece);
      segment.update(piece);
    }
    parts.push({ key: partKey(storeId, part.digest('hex')), size: length });
  }
  // …then sent, PARTS_IN_FLIGHT at a time (multipart when large), each unless the remote has it already.
  let next = 0;
  const sender = async () => {
    for (let i = next++; i < parts.length; i = next++) {
      await checkpoint(op.signal, 'nothing was pushed (parts already sent are reused next time)');
      const { key, size: length } = parts[i];
      if (!(await remote.head(key))) {
        await remote.putFrom(key, length, (offset, n) => seg.read(i * PART_BYTES + offset, n));
        uploaded += length;
      }
      done += length;
      report(done, ++objects);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARTS_IN_FLIGHT, parts.length) }, sender));
  return { parts, uploaded, sha256: segment.digest('hex') };
}

/** Waits until the server's clock is `settleMs` past the object's write. */
async function settle(remote: ObjectStore, key: string, settleMs: number): Promise<void> {
  const info = await remote.head(key);
  if (!info) throw new IntegrityError(`${remote.url} lost ${key} right after it was written`);
  for (let wait = settleMs - ((await remote.now()) - info.lastModified); wait > 0; ) {
    await sleep(Math.min(wait, 1000));
    wait = settleMs - ((await remote.now()) - info.lastModified);
  }
}

/** Pushes the generations the remote lacks; ConflictError when another push won the same base. */
export async function push(store: Store, remote: ObjectStore, opts: RemoteOptions = {}): Promise<PushResult> {
  const settleMs = settleOf(remote, opts);
  const local = localHead(store);
  if (local.root === null) throw new NotFoundError('nothing to push: the store has no commits', 'commit first');
  // The remote's history only grows: start from the head this store saw last (a HEAD and one listing when up
  // to date) — if the gen object that made it the head is still there (a remote emptied since starts over).
  const headsFile = remoteHeadsFile(store.paths.archive);
  const known = readRemoteHeads(headsFile)[remote.url];
  const trusted =
    known?.key !== undefined && local.roots[known.generation - 1] === known.root && (await remote.head(known.key));
  const start = trusted ? { generation: known.generation, root: known.root } : { generation: 0, root: null };
  const chain = await followChain(remote, store.storeId, start, settleMs);
  const base = chain.at(-1)?.head ?? start;
  const behind = [start, ...chain.map((g) => g.head)].some(
    (h) => h.generation === local.generation && h.root === local.root,
  );
  if (
    !behind &&
    (base.generation > local.generation || (base.root !== null && local.roots[base.generation - 1] !== base.root))
  )
    throw new ConflictError(`${remote.url} has generations this store does not`, 'pull first');
  const result = {
    remote: remote.url,
    fromGeneration: base.generation,
    toGeneration: local.generation,
    root: local.root,
  };
  if (base.generation >= local.generation) {
    // Up to date, or behind with nothing new (the remote is ahead: a pull catches up).
    const key = chain.length > 0 ? genKey(chain[chain.length - 1]) : known?.key;
    if (base.root !== null && key) writeRemoteHead(headsFile, remote.url, { ...base, root: base.root, key });
    return { ...result, pushed: false, parts: 0, uploadedBytes: 0 };
  }
  // The segment is read straight from the archive (verified first): no copy of it on disk.
  const seg = await openSegment(store.paths.archive, base.generation, opts, 'nothing was pushed');
  try {
    const { parts, uploaded, sha256 } = await uploadParts(remote, store.storeId, seg, opts);
    const gen: GenObject = {
      format: GEN_FORMAT,
      version: 1,
      store_id: store.storeId,
      base,
      head: { generation: local.generation, root: local.root },
      sha256,
      bytes: seg.size,
      parts,
    };
    const key = genKey(gen);
    const body = Buffer.from(`${JSON.stringify(gen)}\n`);
    // Where the server can create exclusively, the first claim of a base wins at once.
    if (remote.putIfAbsent && !(await remote.putIfAbsent(claimKey(store.storeId, base.generation), Buffer.from(key)))) {
      const claimed = (await remote.get(claimKey(store.storeId, base.generation))).toString();
      if (claimed !== key)
        throw new ConflictError(`${remote.url} moved on from generation ${base.generation}`, 'pull first');
    }
    await remote.put(key, body);
    await settle(remote, key, settleMs);
    const winner = await nextEdge(remote, store.storeId, base, settleMs);
    if (winner?.info.key !== key)
      throw new ConflictError(`${remote.url} moved on from generation ${base.generation}`, 'pull first');
    writeRemoteHead(headsFile, remote.url, { ...gen.head, key });
    return { ...result, pushed: true, parts: parts.length, uploadedBytes: uploaded };
  } finally {
    seg.close();
  }
}
