// Concurrent pushers (docs/remote.md), through the library on file:/// remotes: with exclusive claims (as a
// local file system or AWS S3 gives) and without them (as on Swift's S3 layer: the settle-and-list rule), two
// stores commit on the same head and push at random moments; each round exactly one wins, the other gets
// CONFLICT, continues with `pull --set-aside` + commit + push; the remote stays valid, `gc --remote` removes
// only what no winner names, and a fresh clone has every root and file. Rounds: scaled(3) per protocol.
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../dist/index.js';
import { clone, gcRemoteStore, openRemote, pullInto, push } from '../../dist/api/remote.js';
import type { ObjectStore } from '../../dist/remote/object-store.js';
import { cleanupTempDirs, prng, roundsTimeout, scaled, tempDir } from '../helpers.js';

afterAll(cleanupTempDirs);

const ROUNDS = scaled(3);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
type S = InstanceType<typeof Store>;

async function commitFile(store: S, dir: string, name: string, data: Buffer): Promise<string> {
  writeFileSync(join(dir, name), data);
  await store.add([name], { cwd: dir });
  return (await store.commit(name)).root;
}

/** The same remote without exclusive create: pushers are decided by the settle-and-list rule alone. */
function withoutClaims(remote: ObjectStore): ObjectStore {
  return new Proxy(remote, {
    get: (t, k) => {
      if (k === 'putIfAbsent') return undefined;
      const v = Reflect.get(t, k, t);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
}

describe.each([
  ['exclusive claims', false],
  ['no conditional writes (settle and list)', true],
])('two pushers, %s', (_, noClaims) => {
  it(
    `${ROUNDS} rounds at random moments: one wins each time, the loser continues after pull --set-aside`,
    async () => {
      const url = pathToFileURL(tempDir('dig-race-remote-')).href;
      const remote = () => (noClaims ? withoutClaims(openRemote(url)) : openRemote(url));
      const opts = { settleMs: noClaims ? 40 : 0 };
      const origin = tempDir('dig-race-o-');
      const first = Store.init(origin, { home: tempDir('dig-race-oh-') });
      await commitFile(first, origin, 'base.txt', Buffer.from('base'));
      await push(first, remote(), opts);
      const writers = await Promise.all(
        ['x', 'y'].map(async (who) => {
          const dir = tempDir(`dig-race-${who}-`);
          const { store } = await clone(remote(), first.storeId, dir, { ...opts, home: tempDir('dig-race-h-') });
          return { who, dir, store };
        }),
      );
      const rand = prng(noClaims ? 41 : 42);
      const files = new Map<string, string>([['base.txt', sha(Buffer.from('base'))]]);
      for (let round = 0; round < ROUNDS; round++) {
        const data = writers.map(() => randomBytes(1000 + (rand(2).readUInt16LE(0) % 50_000)));
        for (const [i, w] of writers.entries()) await commitFile(w.store, w.dir, `${w.who}${round}.bin`, data[i]);
        // Close together, so both are often past their first listing: the rule, not a head start, decides.
        const delays = writers.map(() => rand(1)[0] % 4);
        const results = await Promise.all(
          writers.map(async (w, i) => {
            await sleep(delays[i]);
            return push(w.store, remote(), opts).then(
              () => 'won',
              (e) => e.code,
            );
          }),
        );
        expect([...results].sort(), `round ${round}, delays ${delays}`).toEqual(['CONFLICT', 'won']);
        const won = results.indexOf('won');
        const loser = writers[1 - won];
        files.set(`${writers[won].who}${round}.bin`, sha(data[won]));
        // The loser: its generation set aside, the winner's pulled, its file committed again and pushed.
        const r = await pullInto(loser.store, remote(), { ...opts, setAside: true });
        expect(r.setAside?.generations.length).toBe(1);
        await loser.store.add([`${loser.who}${round}.bin`], { cwd: loser.dir });
        await loser.store.commit('again');
        await push(loser.store, remote(), opts);
        files.set(`${loser.who}${round}.bin`, sha(data[1 - won]));
        await pullInto(writers[won].store, remote(), opts);
        expect(writers[won].store.root()).toBe(loser.store.root());
      }
      // A push that died after its parts (never wrote its gen object) left one behind. Nothing young is removed;
      // with no grace, what no winner names goes (that part, losers' parts and gen objects), and the remote
      // stays whole: a fresh clone has every root and every file.
      const orphan = `${first.storeId}/part/${sha(Buffer.from('orphan'))}`;
      await remote().put(orphan, Buffer.from('orphan'));
      const kept = await gcRemoteStore(first, remote(), opts);
      expect(kept.removedObjects).toBe(0);
      const swept = await gcRemoteStore(first, remote(), { ...opts, graceMs: 0 });
      expect(swept.removed).toContain(orphan);
      const lost = (kind: string) => swept.removed.filter((k) => k.includes(`/${kind}/`)).length;
      console.log(
        `${ROUNDS} rounds: gc --remote removed ${lost('gen')} losing gen object(s), ${lost('part')} part(s), ${lost('claim')} claim(s)`,
      );
      const fresh = await clone(remote(), first.storeId, tempDir('dig-race-f-'), {
        ...opts,
        home: tempDir('dig-race-fh-'),
      });
      expect(fresh.store.history().map((g) => g.root)).toEqual(writers[0].store.history().map((g) => g.root));
      expect((await fresh.store.check({ deep: true })).ok).toBe(true);
      for (const [name, hash] of files) expect(sha(fresh.store.get(name)), name).toBe(hash);
    },
    roundsTimeout(ROUNDS, 10_000),
  );
});
