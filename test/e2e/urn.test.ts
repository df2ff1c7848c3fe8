// Addressing by URN: every file at every root fetched by full URN from outside the project and by --at
// inside it; byte ranges of every HTTP form read back exactly the slice of the original.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../dist/index.js';
import { cleanupTempDirs, prng, run, tempDir } from '../helpers.js';

afterAll(cleanupTempDirs);

const rand = prng(5);
const home = tempDir('dig-urn-home-');
const project = tempDir('dig-urn-');
const outside = tempDir('dig-urn-out-');
const dig = (...args: string[]) => run(args, { cwd: project, home });
const history: Array<{ root: string; files: Map<string, Buffer> }> = [];
let storeId = '';

const urnOf = (root: string, p: string) =>
  `urn:dig:chia:${storeId}:${root}/${p.split('/').map(encodeURIComponent).join('/')}`;

let store: InstanceType<typeof Store> | undefined;

async function commit(files: Map<string, Buffer>, changes: Record<string, Buffer>, msg: string): Promise<void> {
  for (const [p, data] of Object.entries(changes)) {
    mkdirSync(join(project, p, '..'), { recursive: true });
    writeFileSync(join(project, p), data);
    files.set(p, data);
  }
  await store!.add(Object.keys(changes), { cwd: project }); // the subject here is reading, not add
  const root = (await store!.commit(msg)).root;
  history.push({ root, files: new Map(files) });
}

describe('URNs (spawned CLI)', () => {
  it('three commits; each file at each root by full URN from outside and by --at inside', async () => {
    storeId = JSON.parse(dig('init', '--json').stdout).storeId;
    store = Store.open(project, { home });
    const files = new Map<string, Buffer>();
    await commit(
      files,
      { 'a.txt': Buffer.from('one'), 'sp ace/ü.bin': rand(70_000), 'big.bin': rand(2_500_000) },
      'c1',
    );
    await commit(files, { 'a.txt': Buffer.from('two'), 'new.txt': Buffer.from('new') }, 'c2');
    await commit(files, { 'sp ace/ü.bin': rand(10) }, 'c3');
    expect(storeId).toMatch(/^[0-9a-f]{64}$/);
    // Every file at every root through the library (the same resolver the CLI uses)…
    for (const { root, files: at } of history) {
      for (const [p, data] of at) expect(store!.get(urnOf(root, p)).equals(data), urnOf(root, p)).toBe(true);
    }
    // …and through the CLI, one file per root by full URN from outside and another by --at inside (the first
    // and the last root; the library covers the middle one).
    for (const [i, { root, files: at }] of history.entries()) {
      if (i === 1) continue;
      const names = [...at.keys()];
      const [byUrn, byAt] = [names[i % names.length], names[(i + 1) % names.length]];
      const r = run(['cat', urnOf(root, byUrn)], { cwd: outside, home });
      expect(r.code, `${urnOf(root, byUrn)}: ${r.stderr}`).toBe(0);
      expect(r.stdoutBuf.equals(at.get(byUrn)!), urnOf(root, byUrn)).toBe(true);
      expect(dig('cat', byAt, '--at', root.slice(0, 10)).stdoutBuf.equals(at.get(byAt)!), `${byAt} at ${root}`).toBe(
        true,
      );
    }
    // A file added later is absent at the earlier root.
    const missing = run(['cat', `urn:dig:chia:${storeId}:${history[0].root}/new.txt`], { cwd: outside, home });
    expect(missing.code).toBe(4);
    // Without a root: the latest generation.
    const latest = run(['cat', `URN:DIG:CHIA:${storeId}/a.txt`], { cwd: outside, home });
    expect(latest.stdout).toBe('two');
  });

  it('byte ranges of every form equal the slice of the original, across chunk boundaries', () => {
    const big = history[2].files.get('big.bin')!;
    const r = prng(9);
    const n = big.length;
    const forms: Array<[string, number, number]> = [
      ['0-0', 0, 0],
      [`${n - 1}-`, n - 1, n - 1],
      ['-1', n - 1, n - 1],
      [`0-${n + 100}`, 0, n - 1],
      ['-100000', n - 100000, n - 1],
    ];
    for (let k = 0; k < 12; k++) {
      const a = r(4).readUInt32LE(0) % n;
      const b = a + (r(4).readUInt32LE(0) % Math.min(400_000, n - a));
      forms.push([`${a}-${b}`, a, b], [`${a}-`, a, n - 1]);
    }
    // Every form through the library; a fixed, a suffix and a random A-B form through the CLI, short form and URN.
    const store = Store.open(project, { home });
    for (const [spec, a, b] of forms) {
      expect(store.get(`urn:dig:chia:${storeId}/big.bin#bytes=${spec}`).equals(big.subarray(a, b + 1)), spec).toBe(
        true,
      );
      expect(store.get('big.bin', { range: spec }).equals(big.subarray(a, b + 1)), spec).toBe(true);
    }
    for (const [spec, a, b] of [forms[0], forms[5]]) {
      const got = dig('cat', `/big.bin#bytes=${spec}`);
      expect(got.code, `${spec}: ${got.stderr}`).toBe(0);
      expect(got.stdoutBuf.equals(big.subarray(a, b + 1)), spec).toBe(true);
    }
    const [spec, a, b] = forms[2];
    const urn = run(['get', `urn:dig:chia:${storeId}/big.bin#bytes=${spec}`], { cwd: outside, home });
    expect(urn.stdoutBuf.equals(big.subarray(a, b + 1)), spec).toBe(true);
    expect(dig('cat', `/big.bin#bytes=${n}-`).code).toBe(2);
    expect(dig('cat', '/big.bin#bytes=9-3').code).toBe(2);
    expect(dig('cat', 'big.bin', '--bytes', '0-9', '--at', 'zz').code).toBe(2);
  });

  it('bad URNs: one line naming the bad part, usage exit code', () => {
    for (const [u, msg] of [
      [`urn:dig:chia:${'A'.repeat(64)}/x`, /store ID/],
      [`urn:dig:chia:${storeId}:1234/x`, /root hash/],
      [`urn:dig:chia:${storeId}/a/../b`, /'\.\.' segment/],
    ] as const) {
      const r = run(['cat', u], { cwd: outside, home });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
    }
    const other = run(['cat', `urn:dig:chia:${'b'.repeat(64)}/x`], { cwd: outside, home });
    expect(other.code).toBe(4);
    expect(other.stderr).toMatch(/no store b{64}/);
  });
});
