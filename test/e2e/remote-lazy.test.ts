// `clone --lazy` through the CLI on a file:/// remote (docs/remote.md): history, listings and proofs work with
// no chunk data here; a byte range from the middle of a large file fetches at most twice its covering chunks'
// stored bytes (the count `get --json` reports); a remote that serves a changed byte, lost a part or holds a
// forged generation object fails with the integrity code and changes nothing here; `pull --full` makes the
// clone whole.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../dist/index.js';
import { openRemote, push } from '../../dist/api/remote.js';
import { cleanupTempDirs, run, snapshot, tempDir } from '../helpers.js';
import { serve } from '../support/gateway.js';

afterAll(cleanupTempDirs);

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const MiB = 1 << 20;

describe('clone --lazy (CLI, file:/// remote)', () => {
  it('history, listings and proofs without chunk data; ranged reads fetch only their chunks, verified', async () => {
    const source = tempDir('dig-lz-src-');
    const store = Store.init(source, { home: tempDir('dig-lz-hs-') });
    const big = randomBytes(5 * MiB);
    writeFileSync(join(source, 'big.bin'), big);
    writeFileSync(join(source, 'a.txt'), 'one');
    await store.add(['big.bin', 'a.txt'], { cwd: source });
    const root1 = (await store.commit('one')).root;
    writeFileSync(join(source, 'b.txt'), 'two');
    await store.add(['b.txt'], { cwd: source });
    await store.commit('two');
    const remoteDir = tempDir('dig-lz-remote-');
    const url = pathToFileURL(remoteDir).href;
    await push(store, openRemote(url), { settleMs: 0 });

    const home = tempDir('dig-lz-h-');
    const parent = tempDir('dig-lz-p-');
    const cloned = run(['clone', '--lazy', url, 'c', '--json'], { cwd: parent, home });
    expect(cloned.code, cloned.stderr).toBe(0);
    expect(JSON.parse(cloned.stdout.trim().split('\n').at(-1)!)).toMatchObject({ lazy: true, toGeneration: 2 });
    const dir = join(parent, 'c');
    const dig = (...args: string[]) => run(args, { cwd: dir, home });
    const archive = join(home, `${store.storeId}.dig`);
    // A sparse archive: the records and indexes are here, the 5 MiB of chunk data are not.
    expect(statSync(archive).blocks * 512).toBeLessThan(MiB);
    const lazyFile = `${archive}.lazy`;
    const untouched = readFileSync(lazyFile);

    // History, listings, diffs and proofs need no chunk data (the CLI for find and prove, the library else).
    const lazy = Store.open(dir, { home });
    expect(lazy.log().map((g) => g.generation)).toEqual([2, 1]);
    expect(dig('find', '*').stdout).toBe('a.txt\nb.txt\nbig.bin\n');
    expect(lazy.diff(root1).map((d) => `${d.change} ${d.path}`)).toEqual(['added b.txt']);
    const mid = 2 * MiB - 12345;
    const range = `${mid}-${mid + MiB - 1}`;
    const proof = JSON.parse(dig('prove', 'big.bin', '--bytes', range, '--json').stdout);
    expect((await lazy.check()).ok).toBe(true);
    expect(readFileSync(lazyFile).equals(untouched)).toBe(true);

    // 1 MiB from the middle: what comes over is the covering chunks (random data is stored raw), at most twice.
    const covering = proof.chunks.reduce((n: number, c: { size: number }) => n + c.size, 0);
    const got = dig('get', 'big.bin', '--bytes', range, '-o', join(parent, 'part.bin'), '--json');
    expect(got.code, got.stderr).toBe(0);
    const fetched = JSON.parse(got.stdout).fetched;
    expect(fetched.bytes).toBeGreaterThanOrEqual(MiB);
    expect(fetched.bytes).toBeLessThanOrEqual(2 * covering);
    expect(sha(readFileSync(join(parent, 'part.bin')))).toBe(sha(big.subarray(mid, mid + MiB)));
    // Read again: nothing more to fetch.
    expect(JSON.parse(dig('get', 'big.bin', '--bytes', range, '-o', join(parent, 'p2'), '--json').stdout).fetched).toBe(
      undefined,
    );

    // A changed byte in the remote's part (under bytes not fetched yet), then the part gone, then a forged
    // generation object: the integrity code each time, nothing here changes.
    const partDir = join(remoteDir, store.storeId, 'part');
    const part = join(
      partDir,
      readdirSync(partDir).sort((x, y) => statSync(join(partDir, y)).size - statSync(join(partDir, x)).size)[0],
    );
    const original = readFileSync(part);
    const flipped = Buffer.from(original);
    flipped[4 * MiB] ^= 1;
    writeFileSync(part, flipped);
    const before = snapshot(home);
    // (several chunks, the changed byte in a later one: none of them may be kept)
    const bad = dig('cat', 'big.bin', '--bytes', `${4 * MiB - 300_000}-${4 * MiB + 1000}`);
    expect([bad.code, bad.stderr]).toEqual([5, expect.stringMatching(/does not match its hash/)]);
    expect(snapshot(home)).toEqual(before);
    rmSync(part);
    const lost = dig('cat', 'big.bin', '--bytes', '0-99');
    expect([lost.code, lost.stderr]).toEqual([5, expect.stringMatching(/lost object/)]);
    expect(snapshot(home)).toEqual(before);
    writeFileSync(part, original);
    // The gateway serving a lazy clone fetches what a response needs before it starts it.
    const gw = await serve(home, ['-q']);
    try {
      const res = await fetch(`${gw.url}/${store.storeId}/latest/big.bin`, { headers: { Range: 'bytes=100-4099' } });
      expect(res.status).toBe(206);
      expect(sha(Buffer.from(await res.arrayBuffer()))).toBe(sha(big.subarray(100, 4100)));
    } finally {
      await gw.stop();
    }
    writeFileSync(join(source, 'c.txt'), 'three');
    await store.add(['c.txt'], { cwd: source });
    await store.commit('three');
    await push(store, openRemote(url), { settleMs: 0 });
    const genDir = join(remoteDir, store.storeId, 'gen');
    const [first, next] = readdirSync(genDir)
      .sort()
      .map((f) => join(genDir, f));
    const honest = readFileSync(next);
    const old = JSON.parse(readFileSync(first, 'utf8'));
    writeFileSync(next, JSON.stringify({ ...JSON.parse(honest.toString()), parts: old.parts, bytes: old.bytes }));
    const beforePull = snapshot(home); // (the gateway fetched a few chunks since)
    const forged = dig('pull');
    expect([forged.code, forged.stderr]).toEqual([5, expect.stringMatching(/is not what its object says/)]);
    expect(snapshot(home)).toEqual(beforePull);
    writeFileSync(next, honest);
    const pulled = dig('pull', '--json');
    expect(JSON.parse(pulled.stdout.trim().split('\n').at(-1)!)).toMatchObject({ toGeneration: 3, lazy: true });
    expect(dig('cat', 'c.txt').stdout).toBe('three');

    // The whole clone: every chunk fetched and checked; the side file goes; a deep check passes.
    const full = dig('pull', '--full');
    expect(full.code, full.stderr).toBe(0);
    expect(() => statSync(lazyFile)).toThrow();
    expect(dig('check', '--deep').code).toBe(0);
    expect(sha(Store.open(dir, { home }).get('big.bin'))).toBe(sha(big));
  });
});
