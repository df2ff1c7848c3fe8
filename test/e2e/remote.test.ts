// Remotes through the CLI (file:/// for now): remote add/list, push, clone into a new home, pull, an
// up-to-date push, a pusher that lost (exit 7, "pull first"), and URLs that are refused.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Store } from '../../dist/index.js';
import {
  checkRemoteUrl,
  clone,
  cloneFromGateway,
  gcRemoteStore,
  openRemote,
  pullFromGateway,
} from '../../dist/api/remote.js';
import { cleanupTempDirs, committedStore, run, snapshot, tempDir } from '../helpers.js';
import { serve } from '../support/gateway.js';

afterAll(cleanupTempDirs);

describe('push, pull, clone (CLI)', () => {
  it('a store travels through a file:/// remote; a pusher that lost is told to pull first', async () => {
    const [homeA, homeB] = [tempDir('dig-rc-ha-'), tempDir('dig-rc-hb-')];
    const a = tempDir('dig-rc-a-');
    const url = pathToFileURL(tempDir('dig-rc-remote-')).href;
    writeFileSync(join(a, 'x.txt'), 'one');
    await committedStore(a, homeA, ['x.txt']);
    const inA = (...args: string[]) => run(args, { cwd: a, home: homeA });
    expect(inA('remote', 'add', 'origin', url).code).toBe(0);
    expect(inA('remote', 'list').stdout).toBe(`origin\t${url}\n`);
    // --json: progress events as NDJSON lines (like add), the summary last.
    const lines = inA('push', '--json')
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.at(-1)).toMatchObject({ type: 'summary', pushed: true, fromGeneration: 0, toGeneration: 1 });
    expect(lines.find((l) => l.phase === 'upload')).toMatchObject({ type: 'progress', objectsTotal: 1 });

    const parent = tempDir('dig-rc-parent-');
    const cloned = run(['clone', url, 'b'], { cwd: parent, home: homeB });
    expect(cloned.code, cloned.stderr).toBe(0);
    const b = join(parent, 'b');
    const inB = (...args: string[]) => run(args, { cwd: b, home: homeB });
    const readB = (file: string) => Store.open(b, { home: homeB }).get(file).toString();
    expect(readB('x.txt')).toBe('one');

    // A commits and pushes; B pulls it. (Commits through the library: the subject here is the transfer.)
    const commitIn = async (dir: string, home: string, file: string, text: string) => {
      writeFileSync(join(dir, file), text);
      const s = Store.open(dir, { home });
      await s.add([file], { cwd: dir });
      return (await s.commit(text)).root;
    };
    await commitIn(a, homeA, 'x.txt', 'two');
    expect(inA('push').code).toBe(0);
    expect(inB('pull').stdout).toMatch(/^pulled generations 2-2 from /);
    expect(readB('x.txt')).toBe('two');
    // Both commit on that head; A pushes first: B's push lost, and B is told to pull first.
    await commitIn(a, homeA, 'z.txt', 'three');
    expect(inA('push').code).toBe(0);
    await commitIn(b, homeB, 'y.txt', 'mine');
    const lost = inB('push');
    expect([lost.code, lost.stderr]).toEqual([7, expect.stringMatching(/pull first/)]);
    // B continues without a rebase: pull --set-aside keeps its lost generation in a side file and brings A's;
    // its change is still in the working tree, committed again and pushed.
    expect(inB('pull').code).toBe(7);
    const aside = inB('pull', '--set-aside');
    expect(aside.code, aside.stderr).toBe(0);
    expect(aside.stderr).toMatch(/set aside generation\(s\) 3 in .*\.cut-.*add and commit them again/);
    expect(readB('z.txt')).toBe('three');
    expect(inB('status', '--porcelain').stdout).toContain('y.txt');
    await commitIn(b, homeB, 'y.txt', 'mine');
    expect(inB('push').code).toBe(0);
    expect((await Store.open(b, { home: homeB }).check({ deep: true })).ok).toBe(true);
    expect(inA('push').stdout).toMatch(/nothing to push|up to date/); // A is behind with nothing new
    // gc --remote: B's lost push left a part no winner names; it goes once past the grace period (none here;
    // the library, which the CLI runs, shows the default grace keeps it).
    const young = await gcRemoteStore(Store.open(a, { home: homeA }), openRemote(url), { settleMs: 0, dryRun: true });
    expect(young).toMatchObject({ removedObjects: 0 });
    expect(young.youngObjects).toBeGreaterThan(0);
    const gc = inA('gc', '--remote', 'origin', '--grace', '0');
    expect([gc.code, gc.stdout]).toEqual([0, expect.stringMatching(/^removed [1-9]\d* object/)]);
    expect(inA('gc', '--remote', 'origin', '--grace', 'soon').code).toBe(2);
    const again = await clone(openRemote(url), Store.open(a, { home: homeA }).storeId, tempDir('dig-rc-c-'), {
      settleMs: 0,
      home: tempDir('dig-rc-hc-'),
    });
    expect(again.store.root()).toBe(Store.open(b, { home: homeB }).root());
    expect(() => checkRemoteUrl('https://user:secret@example.org/b')).toThrow(/must not carry credentials/);
    expect(() => checkRemoteUrl('s3://Bad_Bucket')).toThrow(/is not s3:\/\/BUCKET/); // refused when named, not used
  });

  it('clone and pull from a gateway (digstore serve); a gateway that changes a byte is refused, nothing changes', async () => {
    const [home, homeC] = [tempDir('dig-rg-h-'), tempDir('dig-rg-hc-')];
    const project = tempDir('dig-rg-p-');
    writeFileSync(join(project, 'a.txt'), 'gateway');
    await committedStore(project, home, ['a.txt']);
    const source = Store.open(project, { home });
    const gw = await serve(home, ['-q']);
    // A proxy that flips one byte in the middle of every export it passes on.
    const liar = createServer(async (req, res) => {
      const up = await fetch(`${gw.url}${req.url}`, { headers: { Accept: req.headers.accept ?? '*/*' } });
      const body = Buffer.from(await up.arrayBuffer());
      if (req.url!.includes('/export')) body[body.length >> 1] ^= 1;
      res
        .writeHead(up.status, { 'Content-Type': up.headers.get('content-type') ?? '', 'Content-Length': body.length })
        .end(body);
    });
    await new Promise<void>((r) => liar.listen(0, '127.0.0.1', r));
    const liarUrl = `http://127.0.0.1:${(liar.address() as AddressInfo).port}`;
    try {
      const dir = tempDir('dig-rg-c-');
      const { store: copy } = await cloneFromGateway(gw.url, source.storeId, dir, { home: homeC });
      expect(copy.root()).toBe(source.root());
      writeFileSync(join(project, 'b.txt'), 'more');
      await source.add(['b.txt'], { cwd: project });
      const root2 = (await source.commit('two')).root;
      const before = snapshot(homeC);
      const from = { generation: 1, root: copy.root()! };
      const lie = await pullFromGateway(source.storeId, liarUrl, { home: homeC, from }).catch((e) => e);
      expect(lie.code).toMatch(/^(CORRUPT|INTEGRITY)$/);
      expect(snapshot(homeC)).toEqual(before);
      const r = await pullFromGateway(source.storeId, gw.url, { home: homeC, from, root: root2 });
      expect([r.toGeneration, r.root]).toEqual([2, root2]);
      expect(Store.open(dir, { home: homeC }).get('b.txt').toString()).toBe('more');
    } finally {
      liar.close();
      await gw.stop();
    }
  });
});
