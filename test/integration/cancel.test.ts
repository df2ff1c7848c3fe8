// Long store operations stop cleanly when their AbortSignal fires: check --deep, export, gc and import end
// with an INTERRUPTED error (exit 130 in the CLI, where Ctrl-C aborts the signal), and nothing changes: no
// export file appears, the archive is byte-identical, no temporary file is left. The signal is aborted from
// the operation's own progress report or before it starts, so the test does not race a timer.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../dist/index.js';
import { cleanupTempDirs, prng, snapshot, tempDir } from '../helpers.js';

afterAll(cleanupTempDirs);

const interrupted = { code: 'INTERRUPTED' };

describe('cancellation', async () => {
  const project = tempDir('dig-cancel-');
  const home = tempDir('dig-cancel-home-');
  const store = Store.init(project, { home });
  const rand = prng(3);
  for (let g = 0; g < 3; g++) {
    writeFileSync(join(project, `f${g}.bin`), rand(200_000));
    await store.add([`f${g}.bin`], { cwd: project });
    await store.commit(`g${g}`);
  }

  it('check --deep: stops at its first checkpoint; a check never writes', async () => {
    const before = snapshot(home);
    const controller = new AbortController();
    const seen: Array<{ phase: string; bytesDone: number; bytesTotal: number }> = [];
    const check = store.check({
      deep: true,
      signal: controller.signal,
      onProgress: ({ phase, bytesDone, bytesTotal }) => {
        seen.push({ phase, bytesDone, bytesTotal });
        controller.abort();
      },
    });
    await expect(check).rejects.toMatchObject(interrupted);
    // Stopped right after the first layer (one third of the data re-hashed), not at the end.
    expect(seen).toHaveLength(1);
    expect(seen[0].phase).toBe('verify');
    expect(seen[0].bytesDone).toBeGreaterThan(0);
    expect(seen[0].bytesDone).toBeLessThan(seen[0].bytesTotal);
    expect(snapshot(home)).toEqual(before);
    expect((await store.check({ deep: true })).ok).toBe(true);
  });

  it('export: no file appears, nothing is left behind', async () => {
    const out = tempDir('dig-cancel-out-');
    const controller = new AbortController();
    controller.abort();
    await expect(store.export(join(out, 'x.dig'), { signal: controller.signal })).rejects.toMatchObject(interrupted);
    expect(readdirSync(out)).toEqual([]);
    const reports: Array<{ phase: string; bytesDone: number; bytesTotal: number }> = [];
    await store.export(join(out, 'x.dig'), { onProgress: (p) => reports.push(p) });
    expect(existsSync(join(out, 'x.dig'))).toBe(true);
    expect(reports.at(-1)).toMatchObject({ phase: 'copy' });
    expect(reports.at(-1)!.bytesDone).toBe(reports.at(-1)!.bytesTotal); // the last report says: all of it
  });

  it('gc (which verifies the rewrite before using it) and import: the archive stays byte-identical', async () => {
    const before = snapshot(home);
    const controller = new AbortController();
    controller.abort();
    await expect(store.gc({ keepHistory: 1, signal: controller.signal })).rejects.toMatchObject(interrupted);
    expect(snapshot(home)).toEqual(before);
    const file = join(tempDir('dig-cancel-exp-'), 'all.dig');
    await store.export(file);
    const other = tempDir('dig-cancel-imp-');
    await expect(Store.import(file, { home: other, signal: controller.signal })).rejects.toMatchObject(interrupted);
    expect(readdirSync(other).filter((f) => f.endsWith('.dig'))).toEqual([]);
    expect((await Store.import(file, { home: other })).changed).toBe(true);
  });
});
