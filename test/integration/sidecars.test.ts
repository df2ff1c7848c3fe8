// The sorted-run sidecars (store/sorted-runs-file.ts): the chunk index and the root index. Commits append a run
// each and merge runs as they grow, so a file holds O(log n) runs and every record once; a torn run (a crash),
// a stale file or an archive rewritten by gc is caught up from the archive, and every stored chunk is found
// where it now lies, every generation by its root (and by a prefix of it).
import { readdirSync, readFileSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../dist/index.js';
import { Archive } from '../../dist/store/archive.js';
import { ChunkIndex } from '../../dist/store/chunk-index.js';
import { findRoots } from '../../dist/store/root-index.js';
import { CHUNK_RUNS, decodeRuns, ROOT_RUNS } from '../../dist/core/codecs/sorted-runs-codec.js';
import { cleanupTempDirs, tempDir } from '../helpers.js';

afterAll(cleanupTempDirs);

/** Every chunk the archive's layers store, and whether the index finds each at that very place. */
function indexAgrees(archivePath: string, idx: string): { chunks: number; found: number } {
  const a = Archive.open(archivePath);
  try {
    const index = ChunkIndex.load(idx, a);
    let chunks = 0;
    let found = 0;
    for (const e of a.storedLayers)
      for (const c of a.readLayer(e.number).chunkIndex) {
        chunks++;
        const got = index.lookup(c.hash);
        if (got && got.offset === c.offset && got.storedLength === c.storedLength) found++;
      }
    let rootsFound = 0;
    for (const e of a.layers) {
      const hex = Buffer.from(e.storeRoot).toString('hex');
      if (findRoots(a, hex).join() === `${e.number}` && findRoots(a, hex.slice(0, 10)).includes(e.number)) rootsFound++;
    }
    expect(rootsFound).toBe(a.seq);
    return { chunks, found };
  } finally {
    a.close();
  }
}

describe('sorted-run sidecars', () => {
  it('commits append runs, kept few by merging; damage and gc are caught up from the layers', async () => {
    const home = tempDir('dig-cidx-home-');
    const project = tempDir('dig-cidx-');
    const store = Store.init(project, { home });
    const files = () => readdirSync(home).map((f) => join(home, f));
    const archive = files().find((f) => f.endsWith('.dig')) as string;
    const idx = archive.replace(/\.dig$/, '.idx');
    for (let g = 1; g <= 60; g++) {
      writeFileSync(join(project, `f${g % 7}.txt`), `generation ${g} `.repeat(g));
      await store.add([`f${g % 7}.txt`], { workers: 0 });
      await store.commit(`g${g}`);
    }
    const runs = decodeRuns(CHUNK_RUNS, readFileSync(idx));
    expect(decodeRuns(ROOT_RUNS, readFileSync(archive.replace(/\.dig$/, '.roots'))).at(-1)?.seq).toBe(60);
    expect(runs.length).toBeLessThanOrEqual(Math.ceil(Math.log2(60)) + 1);
    expect(runs.at(-1)?.seq).toBe(60);
    expect(indexAgrees(archive, idx)).toEqual({ chunks: 60, found: 60 });

    // Root records damaged in place (a lookup reads no run whole, so no checksum sees it): what the cache names
    // is checked against the layer index, and a root it no longer finds is searched for there.
    const rootsFile = archive.replace(/\.dig$/, '.roots');
    const damaged = readFileSync(rootsFile);
    damaged.fill(0xab, 80, 80 + 36 * 5);
    writeFileSync(rootsFile, damaged);
    expect(indexAgrees(archive, idx)).toEqual({ chunks: 60, found: 60 });

    // A run torn by a crash: dropped, caught up from the layers, written back whole.
    truncateSync(idx, statSync(idx).size - 20);
    expect(indexAgrees(archive, idx)).toEqual({ chunks: 60, found: 60 });
    expect(decodeRuns(CHUNK_RUNS, readFileSync(idx)).at(-1)?.seq).toBe(60);

    // A commit while the files lag (here: replaced by junk) leaves them alone; the next load rebuilds them.
    writeFileSync(idx, 'not an index');
    writeFileSync(archive.replace(/\.dig$/, '.roots'), 'not an index');
    writeFileSync(join(project, 'late.txt'), 'late');
    await store.add(['late.txt'], { workers: 0 });
    await store.commit('late');
    expect(indexAgrees(archive, idx)).toEqual({ chunks: 61, found: 61 });

    // gc rewrites the archive: runs that describe the old bytes are dropped, the chunks found where they are now.
    writeFileSync(join(project, 'f1.txt'), 'staged, then replaced');
    await store.add(['f1.txt'], { workers: 0 });
    writeFileSync(join(project, 'f1.txt'), 'the version committed');
    await store.add(['f1.txt'], { workers: 0 });
    await store.commit('replace');
    await store.gc();
    const after = indexAgrees(archive, idx);
    expect(after.found).toBe(after.chunks);
  });
});
