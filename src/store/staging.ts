// Loading and saving the staging file. Staging is only valid on top of the generation it was built on:
// once a commit has consumed it (or the archive moved on), it is stale and ignored.
import { readFileSync, rmSync } from 'node:fs';
import { decodeStaging, stagingParts, type Staging } from '../core/codecs/staging-codec.js';
import { ChunkRefTable } from '../core/codecs/chunk-ref-table.js';
import { StagedRecords } from '../core/codecs/staged-records.js';
import type { Archive } from './archive.js';
import { writeFileAtomic } from './fs-utils.js';

export function emptyStaging(archive: Archive): Staging {
  const end = archive.sb.committedLength;
  return {
    baseSeq: archive.seq,
    dataStart: end,
    dataEnd: end,
    entries: StagedRecords.create(),
    newChunks: new ChunkRefTable(),
  };
}

export function loadStaging(file: string, archive: Archive): Staging {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyStaging(archive);
    throw e;
  }
  const s = decodeStaging(data, file);
  if (s.baseSeq !== archive.seq || s.dataStart !== archive.sb.committedLength) return emptyStaging(archive);
  return s;
}

export function saveStaging(file: string, s: Staging): void {
  writeFileAtomic(file, stagingParts(s));
}

export function clearStaging(file: string): void {
  rmSync(file, { force: true });
}
