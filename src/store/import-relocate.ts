// An export holds archive bytes with absolute offsets, so it can be appended as is only to a store whose bytes
// up to the base generation are the very bytes of the exporter's. After `gc` or `archive --compact` on either
// side they are not (chunks moved) though every root is the same. Then the new layers are relocated instead:
// each one's chunk data is appended, its record re-encoded with the chunk offsets of this archive (chunks from
// before the base are found here by hash), and a new layer index tree written. Roots, block roots and the layer
// format version are carried over unchanged — no offset in an archive is part of any hash — and the caller
// verifies the result in full before it becomes visible.
import { EXPORT_HEADER_SIZE, type ExportHeader } from '../core/codecs/export-codec.js';
import { encodeLayer } from '../core/codecs/layer-codec.js';
import {
  atRecord,
  decodeLayerIndex,
  type IndexLocation,
  type LayerIndexEntry,
} from '../core/codecs/layer-index-codec.js';
import { walkAfter, walkSync } from '../core/layer-index-tree.js';
import { decodeLayer } from '../core/codecs/layer-view.js';
import type { Superblock } from '../core/codecs/superblock-codec.js';
import { equalBytes, toHex } from '../core/digest.js';
import { CorruptDataError, DigstoreError } from '../core/errors.js';
import type { ChunkRef } from '../core/types.js';
import type { Archive } from './archive.js';
import { ChunkIndex } from './chunk-index.js';
import { copyRange, readAt, writeAll } from './fs-utils.js';
import { writeIndexTree } from './layer-index.js';

/** Reads source-archive bytes [offset, offset+length) from the export file. */
const fromExport = (src: number, h: ExportHeader, offset: number, length: number) => {
  if (offset < h.baseLength || offset + length > h.finalLength)
    throw new CorruptDataError('export: a location points outside the exported bytes');
  return readAt(src, EXPORT_HEADER_SIZE + offset - h.baseLength, length);
};

/** Index entries of the exported generations (base+1 … final), from the export's own index records. */
function exportedEntries(src: number, h: ExportHeader): LayerIndexEntry[] {
  const read = (at: IndexLocation) => decodeLayerIndex(fromExport(src, h, at.offset, at.length), 'export layer index');
  const at = { offset: h.indexOffset, length: h.indexLength };
  const out: LayerIndexEntry[] = [];
  walkSync(
    walkAfter(read(at), at, h.baseGeneration, (e) => out.push(e)),
    read,
  );
  if (out.length !== h.finalGeneration - h.baseGeneration || out.some((e) => e.type === 'pruned'))
    throw new CorruptDataError('export: its layer index does not list the exported generations');
  return out;
}

/**
 * Appends the export's generations to `cur` (open on `fd`, truncated to its committed length) with offsets
 * of this archive; returns the superblock that would make them visible.
 */
export function relocateInto(cur: Archive, fd: number, src: number, h: ExportHeader): Superblock {
  const known = ChunkIndex.empty().merged(cur.storedLayers.flatMap((e) => cur.readLayer(e.number).chunkIndex));
  const moved = new Map<number, number>(); // exporter's offset -> offset here
  const here = (c: ChunkRef): ChunkRef => {
    if (c.offset >= h.baseLength) {
      const at = moved.get(c.offset);
      if (at === undefined) throw new CorruptDataError(`export: chunk ${toHex(c.hash)} lies in no exported layer`);
      return { ...c, offset: at };
    }
    const k = known.lookup(c.hash); // a chunk from before the base: where this store keeps it
    if (!k || k.length !== c.length)
      throw new DigstoreError(
        'NOT_FOUND',
        `the export names chunk ${toHex(c.hash)}, which this store does not hold`,
        'it was removed here by gc --keep-history: import a full export instead',
      );
    return { ...k };
  };
  let pos = cur.sb.committedLength;
  const entries: LayerIndexEntry[] = [...cur.layers];
  for (const e of exportedEntries(src, h)) {
    const layer = decodeLayer(fromExport(src, h, e.recordOffset, e.recordLength), `export layer ${e.number}`);
    if (!equalBytes(layer.storeRoot, e.storeRoot) || layer.dataOffset !== e.dataOffset)
      throw new CorruptDataError(`export: layer ${e.number} does not match its index entry`);
    fromExport(src, h, e.dataOffset, e.dataLength); // bounds only
    copyRange(src, EXPORT_HEADER_SIZE + e.dataOffset - h.baseLength, e.dataLength, fd, pos);
    for (const c of layer.chunkIndex) moved.set(c.offset, c.offset - e.dataOffset + pos);
    const record = encodeLayer({
      ...layer,
      dataOffset: pos,
      chunkIndex: layer.chunkIndex.map(here),
      files: layer.files.map((f) => ({ ...f, chunks: f.chunks.map(here) })),
    });
    const dataOffset = pos;
    pos += e.dataLength;
    writeAll(fd, record, pos);
    entries.push(atRecord({ ...e, dataOffset }, record, pos));
    pos += record.length;
  }
  return { ...cur.sb, seq: h.finalGeneration, ...writeIndexTree(fd, entries, pos) };
}
