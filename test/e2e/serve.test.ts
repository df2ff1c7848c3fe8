// `digstore serve` as a real process, asked by real curl and by Node's fetch: files by every path form, ranges
// (one, several, unsatisfiable), conditional requests, HEAD, directories (index.html, redirects, listings),
// history; staged data never visible; a commit and gc while a response is in flight, and SIGTERM during it.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../dist/index.js';
import { osPath } from '../../dist/core/path-bytes.js';
import { cleanupTempDirs, runTool, tempDir } from '../helpers.js';
import { serve, type Served } from '../support/gateway.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const home = tempDir('dig-serve-home-');
const project = tempDir('dig-serve-');
const big = randomBytes(3_000_000);
let store: InstanceType<typeof Store>;
let gw: Served;
let id: string;
let root1: string;
let root2: string;

function write(path: string, data: string | Buffer) {
  mkdirSync(join(project, path, '..'), { recursive: true });
  writeFileSync(osPath(join(project, path)), data);
}

beforeAll(async () => {
  store = Store.init(project, { home });
  id = store.storeId;
  write('site/index.html', '<a href="sub/a.txt">a</a>');
  write('site/sub/a.txt', 'sub file\n');
  write('big.bin', big);
  write('empty.txt', '');
  write('we ird#?.txt', 'odd name');
  write('lat\udce9.txt', 'latin-1');
  symlinkSync('site/index.html', join(project, 'link'));
  await store.addDirectory('.', { workers: 0 });
  root1 = (await store.commit('one')).root;
  write('notes.md', '# notes\n');
  await store.addDirectory('.', { workers: 0 });
  root2 = (await store.commit('two')).root;
  write('staged.txt', 'not committed');
  await store.addDirectory('.', { workers: 0 });
  gw = await serve(home);
});

afterAll(async () => {
  await gw?.stop();
  cleanupTempDirs();
});

const curl = (...args: string[]) => runTool('curl', ['-sS', ...args], { cwd: project });
/** Status line and headers of a curl -i/-I response (lower-cased names). */
function headers(out: string): { status: number; h: Record<string, string> } {
  const [first, ...rest] = out.split('\r\n\r\n')[0].split('\r\n');
  const h = Object.fromEntries(
    rest.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
  );
  return { status: Number(first.split(' ')[1]), h };
}

describe('serve, asked by curl', () => {
  it('a whole file, by /STORE/ROOT, /STORE/latest and the URN form; immutable only at a fixed root', () => {
    const out = join(project, '..', `${id}-big.out`);
    expect(curl('-o', out, '-w', '%{http_code}', `${gw.url}/${id}/${root1}/big.bin`).stdout).toBe('200');
    expect(sha(readFileSync(out))).toBe(sha(big));
    const fixed = headers(curl('-I', `${gw.url}/urn:dig:chia:${id}:${root1}/big.bin`).stdout);
    expect(fixed.h['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(fixed.h['content-length']).toBe(String(big.length));
    expect(fixed.h.etag).toBe(`"${sha(big)}"`);
    const latest = headers(curl('-I', `${gw.url}/${id}/latest/big.bin`).stdout);
    expect(latest.h['cache-control']).not.toContain('immutable');
    expect(latest.h['x-digstore-root']).toBe(root2);
    expect(curl(`${gw.url}/${id}/${root2}/we%20ird%23%3F.txt`).stdout).toBe('odd name');
    expect(curl(`${gw.url}/${id}/${root2}/lat%E9.txt`).stdout).toBe('latin-1');
  });

  it('ranges: one (206), several (multipart/byteranges), unsatisfiable (416); 304 on a matching ETag', () => {
    const body = join(project, '..', `${id}-range.out`);
    const one = curl('-D', '-', '-o', body, '-r', '1000-1999', `${gw.url}/${id}/${root1}/big.bin`).stdout;
    expect(headers(one).status).toBe(206);
    expect(headers(one).h['content-range']).toBe(`bytes 1000-1999/${big.length}`);
    expect(readFileSync(body).equals(big.subarray(1000, 2000))).toBe(true);
    const multi = headers(curl('-i', '-r', '0-9,500000-500009', `${gw.url}/${id}/${root1}/big.bin`).stdout);
    expect(multi.status).toBe(206);
    expect(multi.h['content-type']).toMatch(/^multipart\/byteranges; boundary=/);
    const past = headers(curl('-i', '-r', '5000000-', `${gw.url}/${id}/${root1}/big.bin`).stdout);
    expect([past.status, past.h['content-range']]).toEqual([416, `bytes */${big.length}`]);
    const etag = `"${sha(big)}"`;
    expect(
      curl('-o', '/dev/null', '-w', '%{http_code}', '-H', `If-None-Match: ${etag}`, `${gw.url}/${id}/${root1}/big.bin`)
        .stdout,
    ).toBe('304');
  });

  it('directories: index.html, a redirect to the trailing slash, listings in JSON; history; staged data is not served', () => {
    expect(curl(`${gw.url}/${id}/${root1}/site/`).stdout).toBe('<a href="sub/a.txt">a</a>');
    const moved = curl('-o', '/dev/null', '-w', '%{http_code} %{redirect_url}', `${gw.url}/${id}/${root1}/site`).stdout;
    expect(moved).toBe(`301 ${gw.url}/${id}/${root1}/site/`);
    const list = JSON.parse(curl('-H', 'Accept: application/json', `${gw.url}/${id}/${root2}/`).stdout);
    expect(list.entries.map((e: { name: string; type: string }) => `${e.name}:${e.type}`)).toEqual([
      'big.bin:file',
      'empty.txt:file',
      'lat\udce9.txt:file',
      'link:symlink',
      'notes.md:file',
      'site:dir',
      'we ird#?.txt:file',
    ]);
    expect(curl(`${gw.url}/${id}/${root2}/site/sub/`).stdout).toContain('<a href="a.txt">a.txt</a>');
    const history = JSON.parse(curl(`${gw.url}/${id}`).stdout);
    expect(history.generations.map((g: { root: string }) => g.root)).toEqual([root1, root2]);
    expect(curl('-o', '/dev/null', '-w', '%{http_code}', `${gw.url}/${id}/latest/staged.txt`).stdout).toBe('404');
  });
});

describe('serve, asked by Node fetch', () => {
  it('HEAD, If-Range with another ETag (whole body), an empty file, a proof that verifies', async () => {
    const head = await fetch(`${gw.url}/${id}/${root1}/big.bin`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, String(big.length)]);
    const stale = await fetch(`${gw.url}/${id}/${root1}/big.bin`, {
      headers: { Range: 'bytes=0-0', 'If-Range': '"x"' },
    });
    expect([stale.status, (await stale.arrayBuffer()).byteLength]).toEqual([200, big.length]);
    const empty = await fetch(`${gw.url}/${id}/${root1}/empty.txt`);
    expect([empty.status, (await empty.text()).length]).toEqual([200, 0]);
    const { verifyProof } = await import('../../dist/index.js');
    const proof = await (await fetch(`${gw.url}/${id}/${root1}/big.bin?format=proof&bytes=10-20`)).json();
    expect(verifyProof(proof, { root: root1 }).valid).toBe(true);
  });

  it('a response in flight keeps its root through a commit and gc, and through SIGTERM', async () => {
    const own = await serve(home);
    const res = await fetch(`${own.url}/${id}/${root1}/big.bin`);
    const reader = res.body!.getReader();
    const first = await reader.read(); // the rest waits in the server: backpressure
    write('big.bin', randomBytes(2_000_000));
    await store.addDirectory('.', { workers: 0 });
    await store.commit('three');
    await store.gc();
    const exit = own.stop('SIGTERM');
    const parts = [Buffer.from(first.value!)];
    for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(Buffer.from(r.value));
    expect(sha(Buffer.concat(parts))).toBe(sha(big));
    expect(await exit).toBe(0);
  });
});
