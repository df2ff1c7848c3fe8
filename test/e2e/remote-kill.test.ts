// SIGKILL during push, pull and clone (the spawned CLI, a file:/// remote): killed at moments spread over the
// command's measured duration, the same command run again completes; the local store checks clean (deep) and
// the remote holds a whole history (a fresh clone has every root, checked deep). Rounds: scaled(3), one
// command after another; DIGSTORE_TEST_SCALE=7 makes 21.
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../dist/index.js';
import { clone, openRemote, push } from '../../dist/api/remote.js';
import { cleanupTempDirs, prng, roundsTimeout, run, scaled, startCli, tempDir } from '../helpers.js';

afterAll(cleanupTempDirs);

const ROUNDS = scaled(3);
const OPS = ['push', 'pull', 'clone'] as const;
type S = InstanceType<typeof Store>;

describe(`SIGKILL during push, pull and clone: ${ROUNDS} rounds`, () => {
  let project: string, home: string, store: S, roots: string[];
  /** A remote holding generation 1 only (what pull and clone rounds start from), copied per round. */
  let remoteAt1: string;
  /** A clone at generation 1 (its home and project), copied per pull round. */
  let cloneAt1: { home: string; dir: string };

  beforeAll(async () => {
    const rand = prng(17);
    project = tempDir('dig-rk-src-');
    home = tempDir('dig-rk-h-');
    store = Store.init(project, { home });
    writeFileSync(join(project, 'a.bin'), rand(3 << 20));
    await store.add(['a.bin'], { cwd: project });
    await store.commit('one');
    remoteAt1 = tempDir('dig-rk-r1-');
    await push(store, openRemote(pathToFileURL(remoteAt1).href), { settleMs: 0 });
    cloneAt1 = { home: tempDir('dig-rk-ch-'), dir: tempDir('dig-rk-cd-') };
    await clone(openRemote(pathToFileURL(remoteAt1).href), store.storeId, cloneAt1.dir, {
      settleMs: 0,
      home: cloneAt1.home,
    });
    writeFileSync(join(project, 'b.bin'), rand(5 << 20));
    await store.add(['b.bin'], { cwd: project });
    await store.commit('two');
    roots = store.history().map((g) => g.root);
  });

  /** A fresh setting for one command: where it runs, with which home, against which remote. */
  async function prepare(op: (typeof OPS)[number]) {
    const remote = tempDir('dig-rk-r-');
    cpSync(remoteAt1, remote, { recursive: true });
    const url = pathToFileURL(remote).href;
    if (op === 'push') {
      const h = tempDir('dig-rk-ph-');
      cpSync(home, h, { recursive: true });
      return { url, home: h, cwd: project, args: ['push', url], dir: project };
    }
    await push(store, openRemote(url), { settleMs: 0 }); // pull and clone start from a remote at generation 2
    if (op === 'pull') {
      const h = tempDir('dig-rk-plh-');
      const d = tempDir('dig-rk-pld-');
      cpSync(cloneAt1.home, h, { recursive: true });
      cpSync(cloneAt1.dir, d, { recursive: true });
      return { url, home: h, cwd: d, args: ['pull', url], dir: d };
    }
    const parent = tempDir('dig-rk-cl-');
    return { url, home: tempDir('dig-rk-clh-'), cwd: parent, args: ['clone', url, 'c'], dir: join(parent, 'c') };
  }

  it(
    'a killed push, pull or clone completes when run again; local and remote check clean',
    async () => {
      // How long each command takes here now (the kill moments are fractions of it).
      const durations = new Map<string, number>();
      for (const op of OPS) {
        const s = await prepare(op);
        const t = performance.now();
        const r = run(s.args, { cwd: s.cwd, home: s.home });
        expect(r.code, `${op}: ${r.stderr}`).toBe(0);
        durations.set(op, performance.now() - t);
      }
      const rand = prng(23);
      const outcomes: string[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const op = OPS[i % OPS.length];
        const s = await prepare(op);
        const slice = Math.floor(i / OPS.length);
        const slices = Math.ceil(ROUNDS / OPS.length);
        const at = ((slice + rand(2).readUInt16LE(0) / 65536) / slices) * durations.get(op)!;
        const child = startCli(s.args, { cwd: s.cwd, home: s.home });
        const timer = setTimeout(() => child.kill('SIGKILL'), at);
        const first = await child.done;
        clearTimeout(timer);
        outcomes.push(`${op}@${Math.round(at)}ms:${first.signal ?? first.code}`);
        const again = run(s.args, { cwd: s.cwd, home: s.home });
        expect(again.code, `${op} after a kill at ${Math.round(at)} ms: ${again.stderr}`).toBe(0);
        const local = Store.open(s.dir, { home: s.home });
        expect(local.history().map((g) => g.root)).toEqual(roots);
        if (op !== 'push') expect((await local.check({ deep: true })).ok).toBe(true);
        // The remote: a fresh clone verifies every byte it imports (as import does), every root the same.
        const fresh = await clone(openRemote(s.url), store.storeId, tempDir('dig-rk-f-'), {
          settleMs: 0,
          home: tempDir('dig-rk-fh-'),
        });
        expect(fresh.store.history().map((g) => g.root)).toEqual(roots);
      }
      console.log(`remote kills: ${outcomes.join(', ')}`);
    },
    roundsTimeout(ROUNDS),
  );
});
