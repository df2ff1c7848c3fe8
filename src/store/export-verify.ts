// What `export` copies is verified on the way out: every exported layer record against its checksum and every
// chunk of their data regions against its hash (decompressed). A store with a damaged chunk must not produce an
// export file that only the importer finds broken: the exporter hears it (integrity exit code) and no file is
// written. Costs one extra read of the exported data, from the page cache right after or before the copy.
import { DigstoreError } from '../core/errors.js';
import type { Archive } from './archive.js';
import { CHECKPOINT_BYTES, checkpoint, type LongOperation, phaseReporter } from './interrupt.js';

export async function verifyExportedLayers(
  a: Archive,
  since: number,
  { signal, onProgress }: LongOperation,
  stopped: string,
): Promise<void> {
  const layers = a.layers.filter((e) => e.number > since && e.type !== 'pruned');
  const report = phaseReporter(
    onProgress,
    'verify',
    layers.reduce((n, e) => n + e.dataLength, 0),
  );
  let done = 0;
  let sincePause = 0;
  for (const e of layers) {
    try {
      for (const c of a.readLayer(e.number).chunkIndex) {
        a.readChunk(c); // throws CorruptDataError when the bytes do not hash to the chunk's hash
        done += c.storedLength;
        sincePause += c.storedLength;
        if (sincePause >= CHECKPOINT_BYTES) {
          sincePause = 0;
          report(done);
          await checkpoint(signal, stopped);
        }
      }
    } catch (err) {
      if ((err as { code?: string }).code === 'INTERRUPTED') throw err;
      throw new DigstoreError(
        'INTEGRITY',
        `cannot export: layer ${e.number} is damaged (${(err as Error).message})`,
        'run `digstore check --deep` to see what is affected; nothing was exported',
        { layer: e.number },
      );
    }
  }
  report(done);
}
