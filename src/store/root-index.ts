// Root hash → generation, for `--at ROOT` and every URN that names a root: the sidecar `{storeId}.roots`, a
// sorted-run file (core/codecs/sorted-runs-codec.ts) each commit appends its root to. Finding a root (or a
// unique prefix of one) is then a binary search per run, O(log n) runs, instead of a pass over the whole
// layer index: the same cost at 100,000 generations as at 1,000.
import { ROOT_RUNS } from '../core/codecs/sorted-runs-codec.js';
import type { Archive } from './archive.js';
import { appendRun, type CatchUp, loadRuns } from './sorted-runs-file.js';

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

/** The generations whose root starts with `hexPrefix` (lowercase hex, any length up to 64). */
export function findRoots(archive: Archive, hexPrefix: string): number[] {
  const runs = loadRootIndex(archive);
  const lo = Buffer.from(hexPrefix.padEnd(64, '0'), 'hex');
  const hi = Buffer.from(hexPrefix.padEnd(64, 'f'), 'hex');
  const out: number[] = [];
  for (const run of runs) {
    const r = Buffer.from(run.records.buffer, run.records.byteOffset, run.records.byteLength);
    let a = 0;
    let b = run.count;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (lo.compare(r, mid * SIZE, mid * SIZE + 32) > 0) a = mid + 1;
      else b = mid;
    }
    for (let i = a; i < run.count && hi.compare(r, i * SIZE, i * SIZE + 32) >= 0; i++)
      out.push(r.readUInt32LE(i * SIZE + 32));
  }
  return out;
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
