// Hostile requests to `digstore serve`, sent raw over sockets: each kind gets an HTTP error and the server
// answers the next request; a client that sends its headers slowly is cut off; 500 concurrent connections
// are all served and the server's peak memory stays under 200 MB.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../dist/index.js';
import { cleanupTempDirs, tempDir } from '../helpers.js';
import { rawRequest, serve, statusOf, type Served } from '../support/gateway.js';

const home = tempDir('dig-hostile-home-');
const project = tempDir('dig-hostile-');
let gw: Served;
let id: string;
let root: string;

beforeAll(async () => {
  const store = Store.init(project, { home });
  id = store.storeId;
  writeFileSync(join(project, 'big.bin'), randomBytes(4_000_000));
  await store.addDirectory('.', { workers: 0 });
  root = (await store.commit('one')).root;
  gw = await serve(home, ['-q']);
});

afterAll(async () => {
  await gw?.stop();
  cleanupTempDirs();
});

const get = (target: string, extra = '') => `GET ${target} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;

describe('hostile requests', () => {
  it('at least 30 kinds each get an HTTP error, and the server answers the next request', async () => {
    const file = `/${id}/${root}`;
    const kinds: Array<[string, string, string[]]> = [
      ['dot-dot segment', get(`${file}/../../etc/passwd`), ['400']],
      ['encoded dot-dot', get(`${file}/%2e%2e/x`), ['400']],
      ['mixed-case encoded dot-dot', get(`${file}/%2E%2e/x`), ['400']],
      ['half-encoded dot-dot', get(`${file}/.%2e/x`), ['400']],
      ['dot segment', get(`${file}/./big.bin`), ['400']],
      ['empty segment', get(`${file}/a//b`), ['400']],
      ['encoded NUL', get(`${file}/x%00y`), ['400']],
      ['raw backslash', get(`${file}/x\\..\\y`), ['400']],
      ['encoded slashes around dot-dot', get(`${file}/a%2F..%2F..%2Fetc`), ['400']],
      ['bad percent-encoding', get(`${file}/%zz`), ['400']],
      ['truncated percent-encoding', get(`${file}/x%`), ['400']],
      ['overlong UTF-8 dots', get(`${file}/%c0%ae%c0%ae/x`), ['404']],
      ['encoded backslashes', get(`${file}/%5c..%5cx`), ['404']],
      ['raw # in the path', get(`${file}/a#b`), ['400']],
      ['URL over 8 KiB', get(`${file}/${'a'.repeat(9000)}`), ['414', '431']],
      ['headers over 16 KiB', get(`${file}/big.bin`, `X-Big: ${'b'.repeat(20_000)}\r\n`), ['431']],
      ['POST', `POST ${file}/big.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`, ['405']],
      ['PUT', `PUT ${file}/x HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx`, ['405']],
      ['DELETE', `DELETE ${file}/big.bin HTTP/1.1\r\nHost: x\r\n\r\n`, ['405']],
      ['OPTIONS *', 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n', ['400', '405']],
      ['CONNECT', 'CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n', ['400', '405']],
      [
        'WebSocket upgrade of a directory',
        get(`${file}/nope/`, 'Connection: Upgrade\r\nUpgrade: websocket\r\n'),
        ['404'],
      ],
      ['absolute-form target', get(`http://evil.example${file}/big.bin`), ['400']],
      ['no Host header', `GET ${file}/big.bin HTTP/1.1\r\n\r\n`, ['400']],
      [
        'Content-Length with Transfer-Encoding',
        get(`${file}/big.bin`, 'Content-Length: 5\r\nTransfer-Encoding: chunked\r\n'),
        ['400'],
      ],
      ['invalid header name', get(`${file}/big.bin`, 'Bad Header: x\r\n'), ['400']],
      ['garbage request line', 'HELLO\r\n\r\n', ['400']],
      ['store ID not hex', get('/not-a-store/latest/x'), ['404']],
      ['unknown store', get(`/${'0'.repeat(64)}/latest/x`), ['404']],
      ['root neither hash nor latest', get(`/${id}/abc/x`), ['400']],
      ['unknown root', get(`/${id}/${'0'.repeat(64)}/big.bin`), ['404']],
      ['another URN namespace', get(`/urn:dig:eth:${id}/x`), ['404']],
      ['bad URN root', get(`/urn:dig:chia:${id}:XYZ/big.bin`), ['400']],
      ['unknown format', get(`${file}/big.bin?format=evil`), ['400']],
      ['bad proof range', get(`${file}/big.bin?format=proof&bytes=zz`), ['400']],
      ['bytes= without a format', get(`${file}/big.bin?bytes=1-2`), ['400']],
      ['unknown query parameter', get(`${file}/big.bin?x=1`), ['400']],
      ['empty suffix range', get(`${file}/big.bin`, 'Range: bytes=-0\r\n'), ['416']],
      ['range past the end', get(`${file}/big.bin`, 'Range: bytes=9000000-\r\n'), ['416']],
      ['proof of a missing file', get(`${file}/nope?format=verifiable`), ['404']],
      ['HTTP/1.0 dot-dot', `GET ${file}/../x HTTP/1.0\r\n\r\n`, ['400']],
    ];
    expect(kinds.length).toBeGreaterThanOrEqual(30);
    for (const [name, raw, want] of kinds) {
      const got = statusOf(await rawRequest(gw.url, raw));
      expect(want, `${name}: got '${got}'`).toContain(got);
      const ok = statusOf(await rawRequest(gw.url, get(`${file}/big.bin`, 'Range: bytes=0-9\r\n')));
      expect(ok, `after ${name}`).toBe('206');
    }
  });

  it('a client that never finishes its headers is cut off (slowloris)', async () => {
    // A server of its own with a short limit: the others keep the default, so that a loaded machine never
    // turns a slow accept into a 408.
    const strict = await serve(home, ['-q', '--headers-timeout', '300']);
    try {
      const got = await rawRequest(strict.url, `GET /${id}/${root}/big.bin HTTP/1.1\r\nHost: x\r\nX-Slow: `, 10_000);
      expect(['408', '']).toContain(statusOf(got)); // answered 408, or simply closed: never left hanging
    } finally {
      await strict.stop();
    }
  });

  it('500 concurrent connections: all served, peak memory under 200 MB', async () => {
    const requests = Array.from({ length: 500 }, (_, i) => {
      const start = (i * 7919) % 3_900_000;
      return rawRequest(
        gw.url,
        get(`/${id}/${root}/big.bin`, `Range: bytes=${start}-${start + 65535}\r\nConnection: close\r\n`),
        60_000,
      );
    });
    const answers = await Promise.all(requests);
    const failed = answers.filter((a) => statusOf(a) !== '206').map((a) => a.slice(0, 200) || '(nothing)');
    expect(failed).toEqual([]);
    expect(gw.peakRssMB()).toBeLessThan(200);
    expect(statusOf(await rawRequest(gw.url, get(`/${id}/${root}/big.bin`, 'Range: bytes=0-0\r\n')))).toBe('206');
  });
});
