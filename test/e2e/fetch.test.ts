// `digstore fetch` through `digstore serve`, from another store home: a file and random ranges arrive equal to
// the source; and through a lying proxy (a small server here that rewrites the gateway's answers: a changed
// byte, a changed proof byte, another file, another root, a stale `latest`, a cut, stalled or endless body, a
// plain body) every fetch fails with exit 5 or a network error, and nothing is written.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchToFile, Store } from '../../dist/index.js';
import { cleanupTempDirs, run, startCli, tempDir } from '../helpers.js';
import { serve, type Served } from '../support/gateway.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const home = tempDir('dig-fetch-home-');
const elsewhere = tempDir('dig-fetch-other-home-');
const project = tempDir('dig-fetch-');
const data = randomBytes(1_500_000);
let gw: Served;
let id: string;
let root1: string;
let root2: string;

beforeAll(async () => {
  const store = Store.init(project, { home });
  id = store.storeId;
  writeFileSync(join(project, 'data.bin'), data);
  writeFileSync(join(project, 'other.txt'), 'another file');
  await store.addDirectory('.', { workers: 0 });
  root1 = (await store.commit('one')).root;
  writeFileSync(join(project, 'data.bin'), Buffer.concat([data.subarray(0, 700_000), randomBytes(10)]));
  await store.addDirectory('.', { workers: 0 });
  root2 = (await store.commit('two')).root;
  gw = await serve(home, ['-q']);
});

afterAll(async () => {
  await gw?.stop();
  cleanupTempDirs();
});

describe('fetch through serve', () => {
  it('a whole file and a random range, by the CLI from another store home, equal the source', () => {
    const out = join(tempDir('dig-fetch-out-'), 'data.bin');
    const whole = run(['fetch', `${gw.url}/${id}/${root1}/data.bin`, '-o', out], { cwd: elsewhere, home: elsewhere });
    expect(whole.code, whole.stderr).toBe(0);
    expect(sha(readFileSync(out))).toBe(sha(data));
    const a = Math.floor(Math.random() * data.length);
    const b = a + Math.floor(Math.random() * (data.length - a));
    const urn = `urn:dig:chia:${id}:${root1}/data.bin`;
    const part = run(['fetch', urn, '--from', gw.url, '--bytes', `${a}-${b}`], { cwd: elsewhere, home: elsewhere });
    expect(part.code, part.stderr).toBe(0);
    expect(part.stdoutBuf.equals(data.subarray(a, b + 1)), `bytes ${a}-${b}`).toBe(true);
    const latest = run(['fetch', `${gw.url}/${id}/latest/data.bin`], { cwd: elsewhere, home: elsewhere });
    expect([latest.code, latest.stderr]).toEqual([2, expect.stringContaining('no root to trust')]);
  });
});

type Lie = (
  path: string,
  body: Buffer,
) => { path?: string; body?: Buffer; type?: string; cut?: 'end' | 'stall' | 'endless' };

/** A proxy in front of the gateway that answers every request after rewriting it as `lie` says. */
async function lyingProxy(lie: Lie): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const first = lie(req.url!, Buffer.alloc(0));
    const up = await fetch(`${gw.url}${first.path ?? req.url}`);
    const got = Buffer.from(await up.arrayBuffer());
    const told = lie(req.url!, got);
    const body = told.body ?? got;
    res.writeHead(up.status, { 'Content-Type': told.type ?? up.headers.get('content-type') ?? '' });
    if (told.cut === 'end') return void res.end(body.subarray(0, body.length >> 1));
    if (told.cut === 'stall') return void res.write(body.subarray(0, body.length >> 1));
    res.write(body);
    if (told.cut !== 'endless') return void res.end();
    const more = () => {
      while (!res.destroyed && res.write(randomBytes(65536)));
      if (!res.destroyed) res.once('drain', more);
    };
    more();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const flipAt = (b: Buffer, i: number) => {
  const c = Buffer.from(b);
  c[i] ^= 1;
  return c;
};

describe('fetch through a lying proxy', () => {
  const lies: Record<string, Lie> = {
    'a changed data byte': (_, b) => ({ body: b.length ? flipAt(b, b.length - 100) : undefined }),
    'a changed proof byte': (_, b) => ({ body: b.length ? flipAt(b, 60) : undefined }),
    'another file': (p) => ({ path: p.replace('/data.bin', '/other.txt') }),
    'a valid proof for another root': (p) => ({ path: p.replace(root2, root1) }),
    "a stale 'latest'": (p) => ({ path: p.replace(`/${root2}/`, `/${root1}/`) }),
    'a truncated body': () => ({ cut: 'end' }),
    'a stalled body': () => ({ cut: 'stall' }),
    'an endless body': () => ({ cut: 'endless' }),
    'the plain file instead': (p) => ({ path: p.split('?')[0], type: 'application/octet-stream' }),
  };
  for (const [name, lie] of Object.entries(lies)) {
    it(`${name}: refused, nothing written`, async () => {
      const proxy = await lyingProxy(lie);
      const dir = tempDir('dig-fetch-lie-');
      try {
        const target = `${proxy.url}/${id}/${name.includes('latest') ? 'latest' : root2}/data.bin`;
        const err = await fetchToFile(target, join(dir, 'out'), { root: root2, idleTimeoutMs: 300 }).then(
          () => undefined,
          (e: { code?: string }) => e,
        );
        expect(err?.code, name).toMatch(/^(INTEGRITY|NETWORK)$/);
        expect(readdirSync(dir)).toEqual([]); // no file, no temporary left behind
      } finally {
        proxy.server.closeAllConnections();
        proxy.server.close();
      }
    });
  }

  it('the CLI exits 5 on a lie and writes nothing', async () => {
    const proxy = await lyingProxy(lies['a changed data byte']);
    const dir = tempDir('dig-fetch-cli-lie-');
    try {
      const target = `${proxy.url}/${id}/${root2}/data.bin`;
      const r = await startCli(['fetch', target, '-o', join(dir, 'out')], { cwd: dir, home: elsewhere }).done;
      expect(r.code, r.stderr).toBe(5);
      expect(r.stderr).toMatch(/does not verify/);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      proxy.server.close();
    }
  });
});
