// Reading stage: small and medium files are read whole, back to back, into one slab per batch; large files
// are read block by block. Sync reads on the main thread are cheaper per file than async ones for small
// files (one syscall each, no promise), and the workers keep the CPU stage busy meanwhile.
import { closeSync, openSync, readSync } from 'node:fs';
import type { ScannedFile } from './scan.js';
import type { SlabPool } from './slab-pool.js';

export interface ReadBatch {
  files: ScannedFile[];
  /** Bytes actually read per file (a file may shrink between scan and read). */
  sizes: Uint32Array;
  slab: Uint8Array;
  failed: Array<{ rel: string; reason: string }>;
}

export function readInto(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, offset + done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

export function readBatch(files: ScannedFile[], slabs: SlabPool): ReadBatch {
  let total = 0;
  for (const f of files) total += f.size;
  const slab = slabs.get(total);
  const ok: ScannedFile[] = [];
  const sizes: number[] = [];
  const failed: ReadBatch['failed'] = [];
  let off = 0;
  for (const f of files) {
    let fd: number;
    try {
      fd = openSync(f.abs, 'r');
    } catch (e) {
      failed.push({ rel: f.rel, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
      continue;
    }
    try {
      const n = readInto(fd, slab, off, f.size, 0);
      ok.push(n === f.size ? f : { ...f, size: n });
      sizes.push(n);
      off += n;
    } catch (e) {
      failed.push({ rel: f.rel, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
    } finally {
      closeSync(fd);
    }
  }
  return { files: ok, sizes: Uint32Array.from(sizes), slab: off === total ? slab : slab.subarray(0, off), failed };
}
