// Lazy reading of a layer record (layout in layer-codec.ts): the header, meta and merkle sections are
// decoded up front, file entries only when asked for. A lookup is a binary search over the entry offsets
// (log n paths decoded), so reading one file of a 100,000-file layer does not decode 100,000 entries.
// The checksum is verified before anything is trusted, and every offset is bounds-checked.
import { encodePath } from '../path-bytes.js';
import { ByteReader } from '../bytes.js';
import { HASH_SIZE } from '../digest.js';
import { CorruptDataError } from '../errors.js';
import { checkDecodedPath } from '../paths.js';
import type { ChunkingParams, ChunkRef, FileEntry } from '../types.js';
import { CHUNK_REF_SIZE, readChunkRef, readChunkingParams, readPrologue, verifyChecksum } from './common.js';
import {
  BLOCK_BITS,
  LAYER_HEADER_SIZE,
  LAYER_MAGIC,
  LAYER_OLDEST_VERSION,
  LAYER_VERSION,
  type Layer,
  type LayerType,
} from './layer-codec.js';

const MIN_FILE_ENTRY = 2 + 1 + 4 + 8 + 32 + 32 + 4;

export class LayerView {
  readonly type: LayerType;
  /** Format version (2 or 3): whether file leaves bind the mode (layer-codec.ts `bindsMode`). */
  readonly version: number;
  readonly number: number;
  readonly timestamp: number;
  readonly dataOffset: number;
  readonly dataLength: number;
  readonly fileCount: number;
  readonly message: string;
  readonly author: string;
  readonly params: ChunkingParams;
  readonly parentRoot: Uint8Array;
  readonly layerRoot: Uint8Array;
  readonly storeRoot: Uint8Array;
  readonly blockRoots: Uint8Array[];
  /** Files in the generation's complete set (a delta layer's entries are only the changes). */
  readonly totalFiles: number;
  readonly chunkCount: number;
  /** Where each section lies in the record (for `inspect`). */
  readonly sections: Array<{ name: string; offset: number; length: number }>;
  private readonly fileSec: [number, number];
  private readonly chunkSec: [number, number];
  private readonly keys: Buffer;

  constructor(
    private readonly data: Uint8Array,
    readonly what = 'layer',
  ) {
    const bodyLen = verifyChecksum(data, what, LAYER_HEADER_SIZE);
    const r = new ByteReader(data, what, 0, bodyLen);
    this.version = readPrologue(r, LAYER_MAGIC, LAYER_VERSION, LAYER_OLDEST_VERSION);
    const typeCode = r.u8();
    const type: LayerType | undefined = typeCode === 1 ? 'full' : typeCode === 2 ? 'delta' : undefined;
    if (!type) throw new CorruptDataError(`${what}: unknown layer type ${typeCode}`);
    this.type = type;
    r.u8();
    this.number = r.u32();
    this.timestamp = r.u64();
    this.dataOffset = r.u64();
    this.dataLength = r.u64();
    this.fileCount = r.u32();
    this.chunkCount = r.u32();
    const [meta, fileSec, chunkSec, merkleSec] = sections(r, bodyLen);
    this.fileSec = fileSec;
    this.chunkSec = chunkSec;
    this.sections = ['meta', 'file index', 'chunk index', 'merkle'].map((name, i) => {
      const [a, b] = [meta, fileSec, chunkSec, merkleSec][i];
      return { name, offset: a, length: b - a };
    });

    const m = new ByteReader(data, `${what} meta`, meta[0], meta[1]);
    const msgLen = m.u32();
    m.need(msgLen);
    this.message = Buffer.from(m.bytes(msgLen)).toString('utf8');
    this.author = m.str16();
    this.params = readChunkingParams(m);
    m.expectEnd();

    if (this.fileCount * (4 + MIN_FILE_ENTRY) > fileSec[1] - fileSec[0])
      throw new CorruptDataError(`${what}: file count exceeds the index`);
    this.keys = Buffer.from(data.buffer, data.byteOffset + fileSec[0], this.fileCount * 4);

    const mr = new ByteReader(data, `${what} merkle section`, merkleSec[0], merkleSec[1]);
    this.parentRoot = mr.bytes(HASH_SIZE);
    this.layerRoot = mr.bytes(HASH_SIZE);
    this.storeRoot = mr.bytes(HASH_SIZE);
    this.totalFiles = mr.u32();
    if (type === 'full' && this.totalFiles !== this.fileCount)
      throw new CorruptDataError(`${what}: full layer file count mismatch`);
    if (mr.u8() !== BLOCK_BITS) throw new CorruptDataError(`${what}: unsupported merkle block size`);
    const blocks = mr.count(HASH_SIZE);
    if (blocks !== Math.ceil(this.totalFiles / 2 ** BLOCK_BITS))
      throw new CorruptDataError(`${what}: block root count does not match the file count`);
    this.blockRoots = new Array(blocks);
    for (let i = 0; i < blocks; i++) this.blockRoots[i] = mr.bytes(HASH_SIZE);
    mr.expectEnd();
  }

  /** A reader positioned at entry `i`, bounded by the file index section. */
  private entryReader(i: number): ByteReader {
    if (!(i >= 0 && i < this.fileCount)) throw new RangeError(`entry ${i} of ${this.fileCount}`);
    const off = this.keys.readUInt32LE(i * 4);
    const start = this.fileSec[0] + off;
    if (off < this.fileCount * 4 || start >= this.fileSec[1])
      throw new CorruptDataError(`${this.what}: file entry ${i} offset out of range`);
    return new ByteReader(this.data, `${this.what} file index`, start, this.fileSec[1]);
  }

  pathAt(i: number): string {
    return checkDecodedPath(this.entryReader(i).path16(), `${this.what} file index`);
  }

  fileAt(i: number): FileEntry {
    return readEntry(this.entryReader(i), this.what);
  }

  /**
   * Every entry in order, checking they tile the section exactly: offsets agree, no gaps, nothing after.
   * Without `withChunks`, entries carry no chunk refs (`chunks` empty): for comparing and listing, which is
   * all `status` and `add` need of the latest generation, at a fraction of the objects.
   */
  allFiles(withChunks = true): FileEntry[] {
    const out: FileEntry[] = new Array(this.fileCount);
    this.walk((r, i) => {
      out[i] = readEntry(r, this.what, withChunks);
    });
    return out;
  }

  /**
   * Every entry's fields without an object each (store/head-files.ts): `each` gets its path, whether it is a
   * deletion marker, its mode and size, and where its file hash and chunk root (64 bytes) lie in `data`.
   */
  eachEntry(
    each: (path: string, deleted: boolean, mode: number, size: number, data: Uint8Array, hashAt: number) => void,
  ): void {
    this.walk((r) => {
      const path = checkDecodedPath(r.path16(), `${this.what} file index`);
      const flags = r.u8();
      const mode = r.u32();
      const size = r.u64();
      const at = r.pos;
      r.bytes(2 * HASH_SIZE);
      r.bytes(r.count(CHUNK_REF_SIZE) * CHUNK_REF_SIZE);
      each(path, (flags & 1) === 1, mode, size, this.data, at);
    });
  }

  /** Hands each entry's reader to `read` (which consumes the entry), checking the entries tile the section. */
  private walk(read: (r: ByteReader, i: number) => void): void {
    let expected = this.fileSec[0] + this.fileCount * 4;
    for (let i = 0; i < this.fileCount; i++) {
      if (this.fileSec[0] + this.keys.readUInt32LE(i * 4) !== expected) {
        throw new CorruptDataError(`${this.what}: file entry ${i} is not where the offsets say`);
      }
      const r = this.entryReader(i);
      read(r, i);
      expected = r.pos;
    }
    if (expected !== this.fileSec[1]) throw new CorruptDataError(`${this.what}: file index has trailing bytes`);
  }

  /** Index of the entry with exactly this path (entries are sorted by UTF-8 bytes), or -1. */
  indexOf(path: string): number {
    const i = this.lowerBound(path);
    return i < this.fileCount && this.pathAt(i) === path ? i : -1;
  }

  /** How many entries sort before `path` (the index it has, or would have). */
  lowerBound(path: string): number {
    const key = encodePath(path);
    let lo = 0;
    let hi = this.fileCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      // pathAt validates what it decodes: a forged entry met on the way is corruption, not a miss.
      if (Buffer.compare(encodePath(this.pathAt(mid)), key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  chunkIndex(): ChunkRef[] {
    const cr = new ByteReader(this.data, `${this.what} chunk index`, this.chunkSec[0], this.chunkSec[1]);
    if (this.chunkCount * CHUNK_REF_SIZE !== cr.remaining)
      throw new CorruptDataError(`${this.what}: chunk index size mismatch`);
    const out: ChunkRef[] = new Array(this.chunkCount);
    for (let i = 0; i < this.chunkCount; i++) out[i] = readChunkRef(cr);
    return out;
  }
}

const NO_CHUNKS: ChunkRef[] = Object.freeze([]) as unknown as ChunkRef[];

function readEntry(fr: ByteReader, what: string, withChunks = true): FileEntry {
  const path = checkDecodedPath(fr.path16(), `${what} file index`);
  const flags = fr.u8();
  const mode = fr.u32();
  const size = fr.u64();
  const hash = fr.bytes(HASH_SIZE);
  const chunkRoot = fr.bytes(HASH_SIZE);
  const n = fr.count(CHUNK_REF_SIZE);
  let chunks = NO_CHUNKS;
  if (withChunks) {
    chunks = new Array(n);
    for (let k = 0; k < n; k++) chunks[k] = readChunkRef(fr);
  } else fr.bytes(n * CHUNK_REF_SIZE);
  const e: FileEntry = { path, mode, size, hash, chunkRoot, chunks };
  if (flags & 1) e.deleted = true; // no spread: one object shape for every entry
  return e;
}

/** Reads the section table and checks the sections follow each other without gaps. */
function sections(r: ByteReader, bodyLen: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let expected = LAYER_HEADER_SIZE;
  for (let s = 0; s < 4; s++) {
    const off = r.u32();
    const len = r.u32();
    if (off !== expected || off + len > bodyLen) throw new CorruptDataError(`${r.what}: bad section table`);
    out.push([off, off + len]);
    expected = off + len;
  }
  if (expected !== bodyLen) throw new CorruptDataError(`${r.what}: sections do not fill the record`);
  return out;
}

/** Decodes a whole layer record (the encoder is in layer-codec.ts, which holds the byte layout). */
export function decodeLayer(data: Uint8Array, what = 'layer'): Layer {
  return layerFromView(new LayerView(data, what));
}

/** Decodes everything a view holds (every entry checked to tile the file index). */
export function layerFromView(v: LayerView): Layer {
  const files = v.allFiles();
  return {
    type: v.type,
    version: v.version,
    number: v.number,
    timestamp: v.timestamp,
    dataOffset: v.dataOffset,
    dataLength: v.dataLength,
    message: v.message,
    author: v.author,
    params: v.params,
    files,
    chunkIndex: v.chunkIndex(),
    parentRoot: v.parentRoot,
    layerRoot: v.layerRoot,
    storeRoot: v.storeRoot,
    totalFiles: v.totalFiles,
    blockRoots: v.blockRoots,
  };
}
