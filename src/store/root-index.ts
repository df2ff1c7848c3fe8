// Root hash → generation, for `--at ROOT` and every URN that names a root: the sidecar `{storeId}.roots`, a
// sorted-run file (core/codecs/sorted-runs-codec.ts) each commit appends its root to. Finding a root (or a
// unique prefix of one) is then a binary search per run, O(log n) runs, instead of a pass over the whole
// layer index: the same cost at 100,000 generations as at 1,000.
import { ROOT_RUNS } from '../core/codecs/sorted-runs-codec.js';
import type { Archive } from './archive.js';
import { toHex } from '../core/digest.js';
import { appendRun, type CatchUp, keyRange, loadRuns, searchOnDisk } from './sorted-runs-file.js';

const SIZE = ROOT_RUNS.recordSize;

/** The sidecar beside an archive `{storeId}.dig`. */
export const rootIndexPath = (archivePath: string): string => archivePath.replace(/\.dig$/, '.roots');

/** Generations from..to's roots as sorted records: root 32, generation u32. */
const layerRoots: CatchUp = (archive, from, to) => {
  const records = Buffer.allocUnsafe(Math.max(0, to - from + 1) * SIZE);
  let n = 0;
  archive.index.each(
    (e) => {
      records.set(e.storeRoot, n * SIZE);
      records.writeUInt32LE(e.number, n * SIZE + 32);
      n++;
    },
    from,
    to,
  );
  return { records: sortRecords(records.subarray(0, n * SIZE)), count: n };
};

function sortRecords(records: Buffer): Buffer {
  const n = records.length / SIZE;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => records.compare(records, b * SIZE, b * SIZE + 32, a * SIZE, a * SIZE + 32));
  const out = Buffer.allocUnsafe(records.length);
  for (let i = 0; i < n; i++) records.copy(out, i * SIZE, order[i] * SIZE, (order[i] + 1) * SIZE);
  return out;
}

/** The sidecar's runs, caught up (and written back) when it lags: at init, it is written empty. */
export const loadRootIndex = (archive: Archive) =>
  loadRuns(ROOT_RUNS, rootIndexPath(archive.path), archive, layerRoots);

/**
 * The generations whose root starts with `hexPrefix` (lowercase hex, any length up to 64): a binary search in
 * each run on disk (or in the runs loaded and caught up, when the file lags). What the cache names is checked
 * against the layer index; when it names nothing, the layer index itself is searched (a damaged cache must
 * never hide a generation: only a root that is not there costs a pass over the history).
 */
export function findRoots(archive: Archive, hexPrefix: string): number[] {
  const lo = Buffer.from(hexPrefix.padEnd(64, '0'), 'hex');
  const hi = Buffer.from(hexPrefix.padEnd(64, 'f'), 'hex');
  const records =
    searchOnDisk(ROOT_RUNS, rootIndexPath(archive.path), archive, lo, hi) ?? searchLoaded(archive, lo, hi);
  const named = [...new Set(records.map((r) => r.readUInt32LE(32)))];
  const found = named.filter((n) => n >= 1 && n <= archive.seq && rootOf(archive, n).startsWith(hexPrefix));
  if (found.length > 0) return found.sort((a, b) => a - b);
  const all: number[] = [];
  archive.index.each((e) => {
    if (toHex(e.storeRoot).startsWith(hexPrefix)) all.push(e.number);
  });
  return all;
}

const rootOf = (archive: Archive, n: number) => toHex(archive.layerEntry(n).storeRoot);

/** Records in [lo, hi] of the runs as loaded (and caught up from the layer index). */
function searchLoaded(archive: Archive, lo: Buffer, hi: Buffer): Buffer[] {
  return loadRootIndex(archive).flatMap((run) => {
    const r = Buffer.from(run.records.buffer, run.records.byteOffset, run.records.byteLength);
    return keyRange(run.count, lo, hi, (i) => r.subarray(i * SIZE, (i + 1) * SIZE));
  });
}

/** After a commit: the new generation's root appended (a sidecar that lags is caught up by the next find). */
export function appendRoot(before: Archive, after: Archive): void {
  const e = after.latest();
  if (!e) return;
  const record = Buffer.allocUnsafe(SIZE);
  record.set(e.storeRoot, 0);
  record.writeUInt32LE(e.number, 32);
  appendRun(ROOT_RUNS, rootIndexPath(after.path), before, after, { records: record, count: 1 });
}
