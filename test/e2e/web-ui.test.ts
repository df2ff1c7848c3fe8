// The web UI in a real browser: Debian's Chromium driven by puppeteer-core (which never downloads a browser),
// against a real `digstore serve`. It walks stores → generations → tree → file → verify → diff on a store with
// nested directories, a binary file, an image and a non-ASCII name; a tampered verifiable response shows
// "invalid"; no request leaves the server's origin. Screenshots of each view go to a temporary directory, or
// with DIGSTORE_SCREENSHOTS=1 to docs/screenshots/ (what the README shows). Without Chromium the file is
// skipped with one line saying how to install it (.ci/run does).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../dist/index.js';
import { cleanupTempDirs, tempDir } from '../helpers.js';
import { serve, type Served } from '../support/gateway.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!CHROMIUM) console.log('web UI tests skipped: no Chromium (as root: apt-get install chromium)');
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);
const shots =
  process.env.DIGSTORE_SCREENSHOTS === '1' ? join(__dirname, '..', '..', 'docs', 'screenshots') : tempDir('dig-shots-');

describe.skipIf(!CHROMIUM)('web UI in Chromium', () => {
  const home = tempDir('dig-ui-home-');
  const project = tempDir('dig-ui-');
  let gw: Served;
  let browser: Browser;
  let page: Page;
  let id: string;
  let root1: string;
  let root2: string;
  const requests: string[] = [];
  let tamper = false;

  const write = (p: string, data: string | Buffer) => {
    mkdirSync(join(project, p, '..'), { recursive: true });
    writeFileSync(join(project, p), data);
  };

  beforeAll(async () => {
    const store = Store.init(project, { home });
    id = store.storeId;
    write('README.md', '# demo\n\nA store seen in a browser.\n');
    write('src/lib/deep/util.ts', 'export const answer = 42;\nexport const question = "?";\n');
    write('images/dot.png', PNG);
    write('data/blob.bin', Buffer.from([0, 1, 2, 3, 255, 254, 0, 7]));
    write('docs/café ü.txt', 'non-ASCII name\n');
    await store.addDirectory('.', { workers: 0 });
    root1 = (await store.commit('first', { author: 'ui <ui@example.org>' })).root;
    write('src/lib/deep/util.ts', 'export const answer = 43;\n');
    write('CHANGELOG.md', 'added\n');
    await store.addDirectory('.', { workers: 0 });
    root2 = (await store.commit('second', { author: 'ui <ui@example.org>' })).root;
    gw = await serve(home, ['-q']);
    browser = await puppeteer.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
    page = await browser.newPage();
    await page.setViewport({ width: 900, height: 640 });
    await page.setRequestInterception(true);
    page.on('request', async (req) => {
      requests.push(req.url());
      if (!(tamper && req.url().includes('format=verifiable'))) return void req.continue();
      const body = Buffer.from(await (await fetch(req.url())).arrayBuffer());
      body[body.length - 2] ^= 1; // a byte of the file's last chunk
      req.respond({ status: 200, contentType: 'application/vnd.digstore.verifiable', body });
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    cleanupTempDirs();
  });

  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, row by row, is what a person reads
  const main = () => page.$eval('main', (m) => (m as HTMLElement).innerText);
  const heading = (text: string) =>
    page.waitForFunction((t) => document.querySelector('main h1')?.textContent?.includes(t), {}, text);
  const clickLink = async (text: string) => {
    const [a] = await page.$$(`xpath/.//main//a[contains(., ${JSON.stringify(text)})]`);
    expect(a, `a link '${text}'`).toBeDefined();
    await a.click();
  };
  const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`) });
  async function verify(): Promise<string> {
    const [button] = await page.$$('xpath/.//button[contains(., "Verify")]');
    await button.click();
    await page.waitForFunction(() => /valid/.test(document.querySelector('.verdict')?.textContent ?? ''));
    return page.$eval('.verdict', (v) => v.textContent ?? '');
  }

  it('walks stores → generations → tree → file → verify → diff', async () => {
    mkdirSync(shots, { recursive: true });
    await page.goto(`${gw.url}/`);
    await heading('Stores');
    await shot('stores');
    await clickLink(id);
    await heading(`Store ${id.slice(0, 12)}`);
    expect(await main()).toMatch(/second[\s\S]*first/); // newest first
    await shot('generations');
    await clickLink(root1.slice(0, 12));
    await heading(`Root ${root1.slice(0, 12)}`);
    for (const name of ['README.md', 'data/', 'docs/', 'images/', 'src/']) expect(await main()).toContain(name);
    await shot('tree');
    for (const dir of ['src', 'lib', 'deep']) {
      await clickLink(`${dir}/`);
      await heading(dir);
    }
    await clickLink('util.ts');
    await heading('util.ts');
    expect(await main()).toContain('export const answer = 42;');
    expect(await verify()).toMatch(/^✓ valid: all \d+ bytes of src\/lib\/deep\/util.ts prove out/);
    await shot('file');
    await page.goto(`${gw.url}/#/s/${id}/${root1}/images/dot.png`);
    await page.waitForSelector('main img.preview');
    await page.goto(`${gw.url}/#/s/${id}/${root1}/data/blob.bin`);
    await page.waitForFunction(() => document.querySelector('pre')?.textContent?.includes('00 01 02 03 ff fe'));
    await page.goto(`${gw.url}/#/s/${id}/${root1}/docs/`);
    await heading('docs');
    await clickLink('café ü.txt');
    await heading('café ü.txt');
    expect(await main()).toContain('non-ASCII name');
    expect(await verify()).toMatch(/^✓ valid/);
    await page.goto(`${gw.url}/#/s/${id}`);
    await heading('Store');
    await page.click('form button[type=submit]'); // compare: the previous generation with the newest
    await heading('Changes');
    expect(await main()).toMatch(/added \(1\)\s*CHANGELOG\.md[\s\S]*modified \(1\)\s*src\/lib\/deep\/util\.ts/);
    await shot('diff');
    expect(root2).not.toBe(root1);
  });

  it('a tampered response shows invalid; no request left the server origin', async () => {
    tamper = true;
    await page.goto(`${gw.url}/#/s/${id}/${root1}/README.md`);
    await heading('README.md');
    expect(await verify()).toMatch(/^✗ invalid: .*does not match its hash/);
    tamper = false;
    const origin = new URL(gw.url).origin;
    const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
    expect(foreign).toEqual([]);
  });
});
