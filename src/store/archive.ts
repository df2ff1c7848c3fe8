// The store archive `{storeId}.dig`: [superblock ×2][layer data + layer record + layer index]… appended
// over time. Readers see exactly the generation named by the newest valid superblock and never read past
// its committed length, so bytes a writer is appending (staged chunks, a commit in progress) are invisible.
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync } from 'node:fs';
import type { Layer } from '../core/codecs/layer-codec.js';
import { LayerView, layerFromView } from '../core/codecs/layer-view.js';
import { encodeLayerIndex, type LayerIndexEntry } from '../core/codecs/layer-index-codec.js';
import { nextIndexState } from '../core/layer-index-tree.js';
import {
  ARCHIVE_HEADER_SIZE,
  SLOT_SIZE,
  encodeSuperblock,
  decodeSuperblock,
  pickSuperblock,
  type Superblock,
} from '../core/codecs/superblock-codec.js';
import { equalBytes, sha256, toHex } from '../core/digest.js';
import { CorruptDataError, NotFoundError, fromSystemError } from '../core/errors.js';
import { decompressChunk } from '../core/compression.js';
import type { ChunkRef } from '../core/types.js';
import { overlaps, type RangeSet } from '../core/range-set.js';
import { readAt, readInto, writeAll } from './fs-utils.js';
import { LayerIndex, writeIndexTree } from './layer-index.js';
import { readLazyState } from './lazy-file.js';

/** A chunk of a lazy clone that is not here yet: the readers that can fetch it do so first (api/lazy.ts). */
export class NotFetchedError extends NotFoundError {
  constructor(what: string) {
    super(
      `${what} is not fetched yet (this store is a lazy clone)`,
      'read it with digstore get, cat or extract, which fetch it, or fetch everything with `digstore pull --full`',
    );
  }
}

/** A chunk's content from its stored bytes, checked against its hash (CorruptDataError otherwise). */
export function chunkContent(stored: Buffer, ref: ChunkRef, what: string): Buffer {
  if (stored.length !== ref.storedLength) throw new CorruptDataError(`${what}: truncated`);
  const data = ref.codec === 0 ? stored : decompressChunk(stored, ref.codec, ref.length, what);
  if (data.length !== ref.length || !equalBytes(sha256(data), ref.hash))
    throw new CorruptDataError(`${what}: content does not match its hash`);
  return data;
}

export function prunedError(n: number): NotFoundError {
  return new NotFoundError(
    `generation ${n} was removed by gc --keep-history (its root stays in the history)`,
    'see `digstore history`',
  );
}

/** The superblock slots as they decode: a superblock, or why not ('empty' for a slot never written). */
export function readSlots(fd: number): Array<Superblock | string> {
  const header = readAt(fd, 0, ARCHIVE_HEADER_SIZE);
  return [0, 1].map((i) => {
    const slot = header.subarray(i * SLOT_SIZE, (i + 1) * SLOT_SIZE);
    if (slot.length < SLOT_SIZE) return 'missing (the archive is shorter than its header)';
    if (slot.every((b) => b === 0)) return 'empty';
    try {
      return decodeSuperblock(slot, `superblock slot ${i + 1}`);
    } catch (e) {
      return (e as Error).message;
    }
  });
}

/** What a store that cannot be trusted as it is needs. */
export const REPAIR_HINT =
  'run `digstore check` to see the damage, `digstore check --repair` to go back to the newest intact generation';

export class Archive {
  private readonly layerCache = new Map<number, Layer>();
  private readonly viewCache = new Map<number, LayerView>();
  /** Layer records read from disk by this handle (each at most once): resolving any root must stay cheap. */
  layerReads = 0;
  /** A lazy clone's archive bytes not fetched yet (store/lazy-file.ts); empty for a whole store. */
  missing: RangeSet = [];

  private constructor(
    readonly path: string,
    readonly fd: number,
    readonly sb: Superblock,
    readonly slot: number,
    /** The generation's layer index, read on demand. */
    readonly index: LayerIndex,
  ) {}

  /** Every layer's index entry, oldest first: O(n) for a history of n commits (whole-history work only). */
  get layers(): readonly LayerIndexEntry[] {
    return this.index.all();
  }

  /** Bytes of the index records the current generation uses (the superseded ones are gc's to drop). */
  get liveIndexBytes(): number {
    return this.index.liveBytes();
  }

  /** Creates a new, empty archive; fails if the file exists. */
  static create(path: string, storeId: Uint8Array, createdAt: number): void {
    const fd = openSync(path, 'wx', 0o644);
    try {
      const sb = encodeSuperblock({
        storeId,
        seq: 0,
        committedLength: ARCHIVE_HEADER_SIZE,
        indexOffset: 0,
        indexLength: 0,
        createdAt,
      });
      writeAll(fd, Buffer.concat([sb, Buffer.alloc(SLOT_SIZE)]), 0);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  static open(path: string, mode: 'r' | 'r+' = 'r'): Archive {
    let fd: number;
    try {
      fd = openSync(path, mode);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new NotFoundError(
          `store archive ${path} not found`,
          'the store was deleted or DIGSTORE_HOME points elsewhere',
        );
      }
      throw fromSystemError(e, path);
    }
    try {
      const { sb, slot } = pickSuperblock(readAt(fd, 0, ARCHIVE_HEADER_SIZE));
      return Archive.withSuperblock(path, fd, sb, slot);
    } catch (e) {
      closeSync(fd);
      if (e instanceof CorruptDataError) throw new CorruptDataError(e.message, REPAIR_HINT);
      throw e;
    }
  }

  /**
   * Opens the archive as the generation `sb` describes, whatever its slots say: for checking appended data
   * (an import) before the superblock that would make it visible is written.
   */
  static openProposed(path: string, sb: Superblock): Archive {
    const fd = openSync(path, 'r');
    try {
      return Archive.withSuperblock(path, fd, sb, -1);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  private static withSuperblock(path: string, fd: number, sb: Superblock, slot: number): Archive {
    if (fstatSync(fd).size < sb.committedLength)
      throw new CorruptDataError(`${path}: archive is shorter than its committed length`);
    const index = LayerIndex.load(fd, path, { offset: sb.indexOffset, length: sb.indexLength }, sb.seq);
    const archive = new Archive(path, fd, sb, slot, index);
    archive.missing = readLazyState(path)?.missing ?? [];
    return archive;
  }

  /** Throws NotFetchedError when any stored byte of `ref` is not here yet (a lazy clone). */
  private assertFetched(ref: ChunkRef): void {
    if (this.missing.length > 0 && overlaps(this.missing, ref.offset, ref.offset + ref.storedLength))
      throw new NotFetchedError(`chunk ${toHex(ref.hash)}`);
  }

  get storeIdHex(): string {
    return toHex(this.sb.storeId);
  }

  get seq(): number {
    return this.sb.seq;
  }

  latest(): LayerIndexEntry | undefined {
    return this.index.latest();
  }

  layerEntry(n: number): LayerIndexEntry {
    return this.index.entry(n);
  }

  /** The layers that still have a record (not pruned by `gc --keep-history`), oldest first. */
  get storedLayers(): LayerIndexEntry[] {
    return this.layers.filter((e) => e.type !== 'pruned');
  }

  /**
   * Layer `n` with entries decoded on demand (a lookup in a 100k-file layer decodes ~17 paths). Kept for the
   * archive's lifetime unless `keep` is false (a one-pass reader of a large layer: its record is ~160 bytes a
   * file).
   */
  layerView(n: number, keep = true): LayerView {
    const cached = this.viewCache.get(n);
    if (cached) return cached;
    const e = this.layerEntry(n);
    if (e.type === 'pruned') throw prunedError(n);
    const what = `layer ${n}`;
    const bytes = readAt(this.fd, e.recordOffset, e.recordLength);
    this.layerReads++;
    if (bytes.length !== e.recordLength) throw new CorruptDataError(`${what}: truncated`);
    const view = new LayerView(bytes, what);
    if (!equalBytes(bytes.subarray(bytes.length - 32), e.recordChecksum) || view.number !== n) {
      throw new CorruptDataError(`${what}: does not match the layer index`);
    }
    if (keep) this.viewCache.set(n, view);
    return view;
  }

  /** Layer `n` fully decoded. */
  readLayer(n: number): Layer {
    const cached = this.layerCache.get(n);
    if (cached) return cached;
    const layer = layerFromView(this.layerView(n));
    this.layerCache.set(n, layer);
    return layer;
  }

  private windowSize = 0;
  private window: { start: number; buf: Buffer } | undefined;
  private recycled: Buffer | undefined;

  /**
   * For a reader that goes through chunks in archive order (extract, get): read the archive in blocks of
   * `bytes` and hand out chunks from them, instead of one read and one allocation per chunk (20,000 of each
   * for a tree of small files). Each block is a new buffer, so chunks handed out earlier stay valid — unless
   * `recycle`: then one buffer is read into again and again (no fresh pages to fault in: half of a 1 GiB
   * `get`'s time), and a chunk is valid only until the next read, for a caller that writes it out at once.
   */
  readAhead(bytes: number, recycle = false): void {
    this.windowSize = bytes;
    this.recycled = recycle ? Buffer.allocUnsafe(bytes) : undefined;
    this.window = undefined;
  }

  private readStored(offset: number, length: number): Buffer {
    if (length > this.windowSize) return readAt(this.fd, offset, length);
    let w = this.window;
    if (!w || offset < w.start || offset + length > w.start + w.buf.length) {
      const n = Math.min(this.windowSize, this.sb.committedLength - offset);
      w = {
        start: offset,
        buf: this.recycled ? readInto(this.fd, this.recycled, offset, n) : readAt(this.fd, offset, n),
      };
      this.window = w;
    }
    return w.buf.subarray(offset - w.start, offset - w.start + length);
  }

  /** Reads one chunk and checks it against its hash, so damaged data is never returned as content. */
  readChunk(ref: ChunkRef, into?: Buffer): Buffer {
    if (ref.offset + ref.storedLength > this.sb.committedLength) {
      throw new CorruptDataError(`chunk ${toHex(ref.hash)}: location outside the committed archive`);
    }
    this.assertFetched(ref);
    const what = `chunk ${toHex(ref.hash)} at offset ${ref.offset}`;
    const stored =
      into && ref.codec === 0 && into.length >= ref.storedLength
        ? readInto(this.fd, into, ref.offset, ref.storedLength)
        : this.readStored(ref.offset, ref.storedLength);
    return chunkContent(stored, ref, what);
  }

  /**
   * Bytes [from, from + length) of a chunk, unchecked, for a reader that checked this chunk before or leaves
   * checking to its client (the HTTP gateway, docs/http.md): a chunk stored raw is read in that span only (into
   * `into` when it is large enough) and not hashed; a compressed one is read whole and checked (`readChunk`).
   */
  readChunkSlice(ref: ChunkRef, from: number, length: number, into?: Buffer): Buffer {
    if (ref.codec !== 0) return this.readChunk(ref).subarray(from, from + length);
    if (from < 0 || length < 0 || from + length > ref.length || ref.offset + ref.storedLength > this.sb.committedLength)
      throw new CorruptDataError(`chunk ${toHex(ref.hash)}: slice ${from}+${length} outside the chunk or the archive`);
    this.assertFetched(ref);
    const b =
      into && into.length >= length
        ? readInto(this.fd, into, ref.offset + from, length)
        : readAt(this.fd, ref.offset + from, length);
    if (b.length !== length) throw new CorruptDataError(`chunk ${toHex(ref.hash)} at offset ${ref.offset}: truncated`);
    return b;
  }

  close(): void {
    closeSync(this.fd);
  }

  /**
   * A writer publishes into the slot not in use; if that slot is damaged (not empty, not valid), it may have
   * held a newer generation that only `check --repair` can bring back — overwriting it would lose it for good.
   */
  assertOtherSlotSound(): void {
    if (this.slot < 0) return;
    const other = readSlots(this.fd)[1 - this.slot];
    if (typeof other === 'string' && other !== 'empty')
      throw new CorruptDataError(`${other}: refusing to write over it`, REPAIR_HINT);
  }

  /**
   * Makes a new generation visible. `record` is the encoded layer (to be written at `at`, right after the
   * staged chunk data); the caller passes the index entry minus its location. Data and index are fsynced
   * before the superblock slot is written, and the slot is fsynced before this returns.
   */
  static commit(
    path: string,
    at: number,
    record: Uint8Array,
    entry: Omit<LayerIndexEntry, 'recordOffset' | 'recordLength'>,
    /** Checked right before the single step that makes the generation visible. */
    beforeVisible: () => void = () => {},
  ): Archive {
    const cur = Archive.open(path, 'r+');
    try {
      cur.assertOtherSlotSound();
      if (at < cur.sb.committedLength) throw new CorruptDataError(`${path}: staged data starts inside committed data`);
      const full: LayerIndexEntry = { ...entry, recordOffset: at, recordLength: record.length };
      const indexOffset = at + record.length;
      writeAll(cur.fd, record, at);
      const index = writeNextIndex(cur.fd, cur.index, full, indexOffset);
      fsyncSync(cur.fd);
      const sb: Superblock = { ...cur.sb, seq: cur.sb.seq + 1, ...index };
      beforeVisible();
      writeAll(cur.fd, encodeSuperblock(sb), (1 - cur.slot) * SLOT_SIZE);
      fsyncSync(cur.fd);
      // Bytes past the new generation (a dead tail of an interrupted add or commit) are dropped now.
      ftruncateSync(cur.fd, sb.committedLength);
    } finally {
      cur.close();
    }
    return Archive.open(path);
  }
}

/**
 * Writes at `at` the index records that add `entry` to `index`: one record on a version 3 index; on a version 2
 * one (older stores), the whole tree once. Returns the superblock fields that name the new head.
 */
function writeNextIndex(fd: number, index: LayerIndex, entry: LayerIndexEntry, at: number) {
  if (index.head?.version === 2) return writeIndexTree(fd, [...index.all(), entry], at);
  const bytes = encodeLayerIndex(nextIndexState(index.head, index.at, entry));
  writeAll(fd, bytes, at);
  return { committedLength: at + bytes.length, indexOffset: at, indexLength: bytes.length };
}
