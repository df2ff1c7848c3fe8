// Store verification (`check`): every structure's checksum, the layer index against the records, each
// layer's chunk index against its data region, every root recomputed from the files, and with `deep`
// every chunk re-hashed. Reports what is damaged (layer and affected file paths) instead of stopping at
// the first problem, so a user knows what can still be read.
import type { Superblock } from '../core/codecs/superblock-codec.js';
import { equalBytes } from '../core/digest.js';
import { Archive, readSlots } from './archive.js';
import { CHECK_STOPPED, type CheckOptions, type CheckReport, checkLayer, type LayerCheckState } from './check-layer.js';
import { checkpoint, phaseReporter } from './interrupt.js';

/**
 * Both superblock slots must be valid (or never written, all zeros). The store opens from the newest valid
 * slot, so a damaged slot is survivable — but it is damage, and if it was the newer one, that generation
 * is out of view: the user must hear of it before the next commit reuses the space.
 */
function checkSlots(archive: Archive, problem: (layer: number, message: string) => void): void {
  for (const slot of readSlots(archive.fd)) {
    if (typeof slot !== 'string' || slot === 'empty') continue;
    problem(
      0,
      `${slot}; the store opens from slot ${archive.slot + 1} (generation ${archive.seq}); digstore check --repair brings back the newest intact generation`,
    );
  }
}

export type { CheckOptions, CheckProblem, CheckReport } from './check-layer.js';

/** With `proposed`, checks the generation that superblock would make visible (an import, before it is). */
export async function checkArchive(path: string, opts: CheckOptions = {}, proposed?: Superblock): Promise<CheckReport> {
  const report: CheckReport = { ok: true, layers: 0, files: 0, chunksChecked: 0, bytesChecked: 0, problems: [] };
  const problem = (layer: number, message: string, paths?: string[]) =>
    report.problems.push({ layer, message, ...(paths?.length ? { paths } : {}) });
  let archive: Archive;
  try {
    archive = proposed ? Archive.openProposed(path, proposed) : Archive.open(path);
  } catch (e) {
    problem(0, (e as Error).message);
    report.ok = false;
    return report;
  }
  try {
    if (!proposed) checkSlots(archive, problem);
    report.layers = archive.layers.length;
    const rehashed = archive.layers.filter(
      (e) => e.type !== 'pruned' && (opts.layer === undefined || opts.layer === e.number),
    );
    const total = opts.deep ? rehashed.reduce((a, e) => a + e.dataLength, 0) : 0;
    const progress = opts.deep ? phaseReporter(opts.onProgress, 'verify', total) : undefined;
    const state: LayerCheckState = { peaks: [], badChunks: new Set(), stored: new Map(), current: [], progress };
    for (const e of archive.layers) {
      await checkLayer(archive, e, state, report, opts, problem);
      progress?.(report.bytesChecked);
      await checkpoint(opts.signal, CHECK_STOPPED);
    }
    const peaks = archive.index.peaks();
    if (peaks.length !== state.peaks.length || peaks.some((p, i) => !equalBytes(p, state.peaks[i])))
      problem(archive.seq, 'the layer index does not match the layer roots (its store tree peaks)');
    // Name the files of the latest generation that a damaged chunk breaks.
    if (state.badChunks.size > 0 && archive.seq > 0) {
      const affected = state.current
        .filter((f) => f.chunks.some((c) => state.badChunks.has(c.offset)))
        .map((f) => f.path);
      if (affected.length)
        problem(archive.seq, `${affected.length} file(s) of the latest generation are affected`, affected);
    }
  } finally {
    archive.close();
  }
  report.ok = report.problems.length === 0;
  return report;
}
