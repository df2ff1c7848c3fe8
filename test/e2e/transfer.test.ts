// export / import: a store moved to an empty DIGSTORE_HOME keeps every root and every file; --since moves
// only the new layers; a damaged export is refused with the integrity code and imports nothing; importing
// twice changes nothing; an import that does not fit the store's history is refused.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../dist/index.js';
import { cleanupTempDirs, prng, run, snapshot, tempDir } from '../helpers.js';

afterAll(cleanupTempDirs);

const rand = prng(31);
const home = tempDir('dig-tr-home-');
const project = tempDir('dig-tr-');
const dig = (...args: string[]) => run(args, { cwd: project, home });
const files = new Map<string, Map<string, Buffer>>(); // root -> path -> content
const exports = tempDir('dig-tr-files-');
let storeId = '';

/** Commits through the library: the subject here is export and import, not add and commit. */
async function commit(changes: Record<string, Buffer>, msg: string): Promise<string> {
  for (const [p, d] of Object.entries(changes)) {
    mkdirSync(join(project, p, '..'), { recursive: true });
    writeFileSync(join(project, p), d);
  }
  const store = Store.open(project, { home });
  await store.addDirectory('.', { workers: 0 });
  const root = (await store.commit(msg)).root;
  const prev = [...files.values()].at(-1) ?? new Map<string, Buffer>();
  files.set(root, new Map([...prev, ...Object.entries(changes)]));
  return root;
}

/** Every file at every root of the imported store reads back exactly (through the library, by full URN). */
function expectAllReadable(h: string): void {
  for (const [root, content] of files) {
    for (const [p, data] of content) {
      const urn = `urn:dig:chia:${storeId}:${root}/${p}`;
      expect(Store.openFor(urn, exports, { home: h }).get(urn).equals(data), urn).toBe(true);
    }
  }
}

describe('export and import', () => {
  it('a whole store into an empty home: every root and every file', async () => {
    storeId = JSON.parse(dig('init', '--json').stdout).storeId;
    await commit({ 'a.txt': Buffer.from('a'), 'big.bin': rand(1_500_000), 'd/x.bin': rand(30_000) }, 'one');
    await commit({ 'a.txt': Buffer.from('A'), 'n.txt': Buffer.from('new') }, 'two');
    const e = JSON.parse(dig('export', join(exports, 'all.dig'), '--json').stdout);
    expect(e).toMatchObject({ storeId, fromGeneration: 0, toGeneration: 2 });
    const other = tempDir('dig-tr-other-');
    const r = run(['import', join(exports, 'all.dig'), '--json'], { cwd: exports, home: other });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ storeId, generation: 2, changed: true });
    expectAllReadable(other);
    // The imported history is the same history.
    const linked = tempDir('dig-tr-link-');
    expect(run(['init', '--store-id', storeId], { cwd: linked, home: other }).code).toBe(0);
    expect(
      Store.open(linked, { home: other })
        .history()
        .map((g) => g.root),
    ).toEqual([...files.keys()]);
    expect(run(['check', '--deep'], { cwd: linked, home: other }).code).toBe(0);
    // Importing the same file again changes nothing.
    const before = snapshot(other);
    const again = run(['import', join(exports, 'all.dig')], { cwd: exports, home: other });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing to do/);
    expect(snapshot(other)).toEqual(before);

    // --since: only the new layers; they extend the imported store.
    const root2 = [...files.keys()][1];
    await commit({ 'three.txt': Buffer.from('3') }, 'three');
    const since = JSON.parse(dig('export', join(exports, 'since.dig'), '--since', root2.slice(0, 10), '--json').stdout);
    expect(since).toMatchObject({ fromGeneration: 2, toGeneration: 3 });
    expect(statSync(join(exports, 'since.dig')).size).toBeLessThan(statSync(join(exports, 'all.dig')).size / 10);
    // Into an empty home it cannot stand alone…
    const empty = tempDir('dig-tr-empty-');
    const alone = run(['import', join(exports, 'since.dig')], { cwd: exports, home: empty });
    expect(alone.code).toBe(4);
    expect(alone.stderr).toMatch(/import a full export first/);
    // …onto the store at generation 2 it fits.
    const ext = run(['import', join(exports, 'since.dig')], { cwd: exports, home: other });
    expect(ext.code, ext.stderr).toBe(0);
    expectAllReadable(other);
  });

  it('a damaged export is refused with the integrity code; the target store is untouched', async () => {
    const good = readFileSync(join(exports, 'all.dig'));
    const target = tempDir('dig-tr-bad-');
    for (const [i, at] of [20, 300, Math.floor(good.length / 2), good.length - 5].entries()) {
      const bad = Buffer.from(good);
      bad[at] ^= 0x20;
      writeFileSync(join(exports, 'bad.dig'), bad);
      if (i === 0) {
        // The CLI once (exit code, one line); the library, which it calls, for the other places.
        const r = run(['import', join(exports, 'bad.dig')], { cwd: exports, home: target });
        expect(r.code, `flip at ${at}: ${r.stderr}`).toBe(5);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
      } else
        await expect(Store.import(join(exports, 'bad.dig'), { home: target }), `flip at ${at}`).rejects.toMatchObject({
          code: expect.stringMatching(/^(CORRUPT|INTEGRITY)$/),
        });
      expect(snapshot(target)).toEqual({});
    }
    writeFileSync(join(exports, 'short.dig'), good.subarray(0, good.length - 100));
    expect(run(['import', join(exports, 'short.dig')], { cwd: exports, home: target }).code).toBe(5);
    expect(run(['import', join(exports, 'missing.dig')], { cwd: exports, home: target }).code).toBe(4);
    expect(snapshot(target)).toEqual({});
  });

  it('export verifies what it copies: a corrupt chunk is refused with the integrity code and no file is written', () => {
    const h = tempDir('dig-tr-corrupt-home-');
    const p = tempDir('dig-tr-corrupt-');
    writeFileSync(join(p, 'x.bin'), rand(200_000));
    for (const args of [
      ['init', '--no-compression'],
      ['add', 'x.bin'],
      ['commit', '-m', 'one'],
    ])
      expect(run(args, { cwd: p, home: h }).code).toBe(0);
    const info = JSON.parse(run(['inspect', '1', '--json'], { cwd: p, home: h }).stdout);
    const archive = readdirSync(h).find((f) => f.endsWith('.dig'))!;
    const bytes = readFileSync(join(h, archive));
    bytes[info.dataOffset + 1000] ^= 0xff; // inside the chunk data, outside every checksummed structure
    writeFileSync(join(h, archive), bytes);
    const out = join(exports, 'corrupt.dig');
    const r = run(['export', out], { cwd: p, home: h });
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/cannot export: layer 1 is damaged/);
    expect(existsSync(out)).toBe(false);
  });

  it('export --since fits a store at its base even after gc on either side; a pruned base is refused by name', async () => {
    const ha = tempDir('dig-tr-gc-a-');
    const hb = tempDir('dig-tr-gc-b-');
    const p = tempDir('dig-tr-gc-');
    const a = Store.init(p, { home: ha });
    const shared = rand(50_000);
    const roots: string[] = [];
    const step = async (files: Record<string, Buffer>, msg: string) => {
      for (const [f, d] of Object.entries(files)) writeFileSync(join(p, f), d);
      await a.add(Object.keys(files));
      roots.push((await a.commit(msg)).root);
    };
    await step({ 'one.bin': shared, 'x.txt': Buffer.from('x1') }, 'g1');
    await step({ 'x.txt': Buffer.from('x2'), 'tmp.bin': rand(30_000) }, 'g2');
    await a.export(join(exports, 'gc-all.dig'));
    expect((await Store.import(join(exports, 'gc-all.dig'), { home: hb })).generation).toBe(2);
    // The exporter stages then replaces data, and gc drops it: its bytes move, its roots do not.
    writeFileSync(join(p, 'tmp.bin'), rand(40_000));
    await a.add(['tmp.bin']);
    writeFileSync(join(p, 'tmp.bin'), rand(40_000));
    await a.add(['tmp.bin']);
    await step({ 'again.bin': shared, 'y.txt': Buffer.from('y') }, 'g3'); // reuses a chunk from before the base
    expect((await a.gc()).rewritten).toBe(true);
    await a.export(join(exports, 'gc-since2.dig'), { since: roots[1] });
    const r3 = await Store.import(join(exports, 'gc-since2.dig'), { home: hb });
    expect(r3).toMatchObject({ generation: 3, root: roots[2], changed: true });
    // Now the importer compacts, the exporter moves on, and the next export still fits.
    const b = Store.init(tempDir('dig-tr-gc-bp-'), { home: hb, storeId: a.storeId });
    await b.gc({ keepHistory: 2 }); // prunes generation 1 there: the base (3) and 2 stay
    await step({ 'z.txt': Buffer.from('z') }, 'g4');
    await a.export(join(exports, 'gc-since3.dig'), { since: roots[2] });
    expect((await Store.import(join(exports, 'gc-since3.dig'), { home: hb })).root).toBe(roots[3]);
    expect(b.history().map((g) => g.root)).toEqual(roots);
    for (const [f, at] of [
      ['one.bin', roots[3]],
      ['again.bin', roots[3]],
      ['z.txt', roots[3]],
      ['x.txt', roots[2]],
    ])
      expect(b.get(f, { root: at }).equals(a.get(f, { root: at })), `${f} @ ${at}`).toBe(true);
    expect((await b.check({ deep: true })).problems).toEqual([]);
    // A base whose next generation gc --keep-history removed cannot be exported from: said so.
    await a.gc({ keepHistory: 1 });
    await expect(a.export(join(exports, 'gc-pruned.dig'), { since: roots[1] })).rejects.toThrow(
      /generation 2 was removed by gc --keep-history/,
    );
  });

  it('an export that does not extend the store is refused, and nothing changes', async () => {
    // The source store moves on; the other store (already at generation 3) gets the old full export: a no-op,
    // and a since-export based on a generation it has diverged from is refused.
    const other = tempDir('dig-tr-div-');
    expect(run(['import', join(exports, 'all.dig')], { cwd: exports, home: other }).code).toBe(0);
    const before = snapshot(other);
    await commit({ 'four.txt': Buffer.from('4') }, 'four');
    const since3 = join(exports, 'since3.dig');
    dig('export', since3, '--since', [...files.keys()][2]);
    const r = run(['import', since3], { cwd: exports, home: other });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/extends generation 3/);
    expect(snapshot(other)).toEqual(before);
  });
});
