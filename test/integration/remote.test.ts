// Remotes through the library, on a file:/// remote (docs/remote.md; S3 and gateway remotes come next): push →
// clone elsewhere gives every root and file; incremental push and pull move only new generations; two pushers
// on the same base: one wins, the other gets CONFLICT; a changed part fails the pull and changes nothing.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../dist/index.js';
import { clone, openRemote, pullInto, push } from '../../dist/api/remote.js';
import { gcRemote } from '../../dist/remote/remote-gc.js';
import { cleanupTempDirs, snapshot, tempDir } from '../helpers.js';

afterAll(cleanupTempDirs);

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const settle = { settleMs: 30 };

async function commitFiles(store: InstanceType<typeof Store>, project: string, files: Record<string, Buffer>) {
  for (const [p, d] of Object.entries(files)) writeFileSync(join(project, p), d);
  await store.add(Object.keys(files), { cwd: project });
  return (await store.commit(`c${Object.keys(files).join(',')}`)).root;
}

/** Every file at every readable root, as hashes. */
function contents(store: InstanceType<typeof Store>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const g of store.history())
    for (const f of store.find('**', { root: g.root }))
      out[`${g.root}:${f.path}`] = sha(store.get(f.path, { root: g.root }));
  return out;
}

describe('file:/// remote', () => {
  it('push, clone elsewhere, incremental push and pull; an up-to-date push uploads nothing', async () => {
    const project = tempDir('dig-rm-a-');
    const store = Store.init(project, { home: tempDir('dig-rm-home-') });
    const remoteDir = tempDir('dig-rm-remote-');
    const remote = openRemote(pathToFileURL(remoteDir).href);
    await commitFiles(store, project, { 'a.txt': Buffer.from('one'), 'big.bin': randomBytes(300_000) });
    await commitFiles(store, project, { 'a.txt': Buffer.from('two') });
    const first = await push(store, remote, settle);
    expect([first.pushed, first.fromGeneration, first.toGeneration]).toEqual([true, 0, 2]);

    const copyDir = tempDir('dig-rm-b-');
    const { store: copy } = await clone(remote, store.storeId, copyDir, { ...settle, home: tempDir('dig-rm-home2-') });
    expect(copy.history().map((g) => g.root)).toEqual(store.history().map((g) => g.root));
    expect(contents(copy)).toEqual(contents(store));

    await commitFiles(store, project, { 'c.txt': randomBytes(5000) });
    const second = await push(store, remote, settle);
    expect([second.fromGeneration, second.toGeneration]).toEqual([2, 3]);
    expect(second.uploadedBytes).toBeLessThan(50_000); // only the new generation's segment
    const pulled = await pullInto(copy, remote, settle);
    expect([pulled.fromGeneration, pulled.toGeneration, pulled.segments]).toEqual([2, 3, 1]);
    expect(contents(copy)).toEqual(contents(store));
    // An up-to-date push: a handful of requests, however long the remote's history (it starts from the head it saw).
    let requests = 0;
    const counted = new Proxy(remote, {
      get: (t, k) => {
        const v = Reflect.get(t, k);
        if (typeof v !== 'function' || k === 'constructor') return v;
        return (...a: unknown[]) => {
          requests++;
          return v.apply(t, a);
        };
      },
    });
    expect((await push(store, counted, settle)).pushed).toBe(false);
    expect(requests).toBeLessThanOrEqual(5);
    expect((await pullInto(copy, remote, settle)).segments).toBe(0);
    // Temporary files of pushes killed mid-write: gc --remote removes them once past the grace period.
    const parts = join(remoteDir, store.storeId, 'part');
    const [stale, fresh] = ['00000009-a.tmp-1-x', '00000009-b.tmp-2-y'].map((n) => join(parts, n));
    writeFileSync(stale, 'half');
    writeFileSync(fresh, 'half');
    const twoDaysAgo = (Date.now() - 2 * 86_400_000) / 1000;
    utimesSync(stale, twoDaysAgo, twoDaysAgo);
    const swept = await gcRemote(remote, store.storeId, settle);
    expect(swept.removed).toEqual([`${store.storeId}/part/00000009-a.tmp-1-x (unfinished write)`]);
    expect([existsSync(stale), existsSync(fresh)]).toEqual([false, true]); // the fresh one may be a push in progress
    // A remote emptied since: the head this store remembers is gone, so the push starts over and sends all.
    rmSync(join(remoteDir, store.storeId), { recursive: true });
    expect(await push(store, remote, settle)).toMatchObject({ pushed: true, fromGeneration: 0, toGeneration: 3 });
  });

  it('two pushers on the same base: one wins, the other is told to pull first', async () => {
    const origin = tempDir('dig-rm-o-');
    const store = Store.init(origin, { home: tempDir('dig-rm-oh-') });
    const remote = openRemote(pathToFileURL(tempDir('dig-rm-remote2-')).href);
    await commitFiles(store, origin, { 'base.txt': Buffer.from('base') });
    await push(store, remote, settle);
    const writers = await Promise.all(
      ['x', 'y'].map(async (who) => {
        const dir = tempDir(`dig-rm-${who}-`);
        const { store: s } = await clone(remote, store.storeId, dir, { ...settle, home: tempDir('dig-rm-wh-') });
        await commitFiles(s, dir, { [`${who}.txt`]: randomBytes(2000) });
        return s;
      }),
    );
    const results = await Promise.all(
      writers.map((s) =>
        push(s, remote, settle).then(
          () => 'won',
          (e) => e.code,
        ),
      ),
    );
    expect([...results].sort()).toEqual(['CONFLICT', 'won']);
    // Every reader follows the same winner.
    const reader = await clone(remote, store.storeId, tempDir('dig-rm-r-'), { ...settle, home: tempDir('dig-rm-rh-') });
    const winner = writers[results.indexOf('won')];
    expect(reader.store.root()).toBe(winner.root());
  });

  it('a changed byte in a part: the pull fails with INTEGRITY and the local store is unchanged', async () => {
    const project = tempDir('dig-rm-t-');
    const store = Store.init(project, { home: tempDir('dig-rm-th-') });
    const remoteDir = tempDir('dig-rm-remote3-');
    const remote = openRemote(pathToFileURL(remoteDir).href);
    await commitFiles(store, project, { 'a.txt': Buffer.from('first') });
    await push(store, remote, settle);
    const copyHome = tempDir('dig-rm-ch-');
    const { store: copy } = await clone(remote, store.storeId, tempDir('dig-rm-c-'), { ...settle, home: copyHome });
    await commitFiles(store, project, { 'b.bin': randomBytes(20_000) });
    await push(store, remote, settle);
    const partsDir = join(remoteDir, store.storeId, 'part');
    const parts = readdirSync(partsDir).map((f) => join(partsDir, f));
    for (const p of parts) {
      const b = readFileSync(p);
      b[b.length >> 1] ^= 1;
      writeFileSync(p, b);
    }
    const before = snapshot(copyHome);
    const err = await pullInto(copy, remote, settle).then(
      () => undefined,
      (e) => e,
    );
    expect(err?.code).toBe('INTEGRITY');
    expect(snapshot(copyHome)).toEqual(before);
  });

  it('a history of many index records (40 generations, then 20 more): clone, lazy clone and pull follow it', async () => {
    const project = tempDir('dig-rm-long-');
    const store = Store.init(project, { home: tempDir('dig-rm-long-home-') });
    const remote = openRemote(pathToFileURL(tempDir('dig-rm-long-remote-')).href);
    const more = async (from: number, to: number) => {
      for (let g = from; g <= to; g++)
        await commitFiles(store, project, { [`f${g % 5}.txt`]: Buffer.from(`gen ${g}`) });
      await push(store, remote, settle);
    };
    await more(1, 40);
    const { store: full } = await clone(remote, store.storeId, tempDir('dig-rm-long-b-'), {
      ...settle,
      home: tempDir('dig-rm-long-home2-'),
    });
    const { store: lazy } = await clone(remote, store.storeId, tempDir('dig-rm-long-c-'), {
      ...settle,
      home: tempDir('dig-rm-long-home3-'),
      lazy: true,
    });
    await more(41, 60);
    await pullInto(full, remote, settle);
    await pullInto(lazy, remote, { ...settle, lazy: true });
    const roots = store.history().map((g) => g.root);
    expect(roots).toHaveLength(60);
    for (const copy of [full, lazy]) expect(copy.history().map((g) => g.root)).toEqual(roots);
    expect(contents(full)).toEqual(contents(store));
    expect(full.get('f3.txt', { root: roots[22] }).toString()).toBe('gen 23');
    expect((await full.check({ deep: true })).ok).toBe(true);
  });
});
