// Finding the generations an archive could still be opened at, when its superblocks cannot be trusted (a
// truncated file, two damaged slots): every commit appends a checksummed layer index right after its layer
// record, so each intact index record found in the file describes one generation exactly — the superblock it
// had is {seq: last layer, committed length: end of the index, index location}. Candidates come newest first.
import { closeSync, fstatSync, openSync } from 'node:fs';
import {
  decodeLayerIndex,
  indexRecordLength,
  LAYER_INDEX_MAGIC,
  type LayerIndexRecord,
} from '../core/codecs/layer-index-codec.js';
import { ARCHIVE_HEADER_SIZE, type Superblock } from '../core/codecs/superblock-codec.js';
import { readAt } from './fs-utils.js';

const INDEX_HEADER = 34;
const BLOCK = 8 * 1024 * 1024;

export interface Candidate {
  sb: Superblock;
  /** The index record found at sb.indexOffset (its entries: this generation's newest layers). */
  record: LayerIndexRecord;
}

/** Offsets of every occurrence of the layer index magic in the file. */
function magicOffsets(fd: number, size: number): number[] {
  const out: number[] = [];
  const overlap = LAYER_INDEX_MAGIC.length - 1;
  for (let at = ARCHIVE_HEADER_SIZE; at < size; at += BLOCK - overlap) {
    const block = readAt(fd, at, Math.min(BLOCK, size - at));
    for (let i = block.indexOf(LAYER_INDEX_MAGIC); i >= 0; i = block.indexOf(LAYER_INDEX_MAGIC, i + 1)) {
      if (!out.includes(at + i)) out.push(at + i);
    }
    if (at + block.length >= size) break;
  }
  return out;
}

/**
 * Every generation an intact index record in `path` describes, newest first (for one generation, the record
 * written last). `identity` gives the store ID and creation time a superblock needs.
 */
export function findCandidates(path: string, identity: Pick<Superblock, 'storeId' | 'createdAt'>): Candidate[] {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const bySeq = new Map<number, Candidate>();
    for (const offset of magicOffsets(fd, size)) {
      if (offset + INDEX_HEADER > size) continue;
      const length = indexRecordLength(readAt(fd, offset, INDEX_HEADER));
      if (length === undefined || offset + length > size) continue;
      let record: LayerIndexRecord;
      try {
        record = decodeLayerIndex(readAt(fd, offset, length), 'layer index');
      } catch {
        continue; // the magic inside chunk data, or a damaged record
      }
      const seq = record.count;
      const sb = { ...identity, seq, committedLength: offset + length, indexOffset: offset, indexLength: length };
      const prev = bySeq.get(seq);
      if (!prev || prev.sb.indexOffset < offset) bySeq.set(seq, { sb, record });
    }
    const empty: Candidate = {
      sb: { ...identity, seq: 0, committedLength: ARCHIVE_HEADER_SIZE, indexOffset: 0, indexLength: 0 },
      record: { version: 3, count: 0, first: 1, peaks: [], levels: [], entries: [] },
    };
    return [...[...bySeq.values()].sort((a, b) => b.sb.seq - a.sb.seq), empty];
  } finally {
    closeSync(fd);
  }
}
