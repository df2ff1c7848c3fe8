// Scenario o: the web UI on a layer of 100,000 files (100 directories of 1,000), in Debian's Chromium driven by
// puppeteer-core: how long the page takes to show the top directory and a directory of 1,000 entries, from the
// click (a hash change) to the last row in the table; first and warm, medians of alternating rounds.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { median } from './measure.mjs';
import { CLI, digstoreAddCommit } from './tools.mjs';

function startServe(home) {
  const proc = spawn(process.execPath, [CLI, 'serve', '--port', '0', '-q'], {
    env: { ...process.env, DIGSTORE_HOME: home },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve) => proc.stdout.once('data', (d) => resolve({ url: d.toString().trim(), proc })));
}

/** Milliseconds from setting `hash` to `rows` rows in the page's table. */
async function render(page, hash, rows) {
  await page.evaluate(() => {
    location.hash = '#/';
  });
  await page.waitForSelector('main table');
  const t0 = performance.now();
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
  await page.waitForFunction((n) => document.querySelectorAll('main tbody tr').length === n, { polling: 5 }, rows);
  return performance.now() - t0;
}

export async function webUiScenario(dir, work, { rounds = 5 } = {}) {
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!chromium) return [];
  const home = join(work, 'o-home');
  if (!existsSync(join(home, 'done'))) {
    digstoreAddCommit(dir, home);
    writeFileSync(join(home, 'done'), '');
  }
  const store = readFileSync(join(dir, '.digstore'), 'utf8').match(/[0-9a-f]{64}/)[0];
  const serve = await startServe(home);
  const browser = await puppeteer.launch({ executablePath: chromium, args: ['--no-sandbox'], headless: true });
  try {
    const page = await browser.newPage();
    const { generations } = await (await fetch(`${serve.url}/${store}?order=newest&limit=1`)).json();
    const root = generations[0].root;
    await page.goto(`${serve.url}/`);
    const views = [
      ['top directory (100 entries)', `#/s/${store}/${root}/`, 100],
      ['a directory of 1,000 files', `#/s/${store}/${root}/d0050/`, 1000],
    ];
    const times = views.map(() => []);
    for (let i = 0; i < rounds; i++)
      for (const [k, [, hash, rows]] of views.entries()) times[k].push(await render(page, hash, rows));
    return views.map(([label], k) => ({
      tool: `web UI: ${label}`,
      seconds: median(times[k]) / 1000,
      note: `first ${times[k][0].toFixed(0)} ms, median ${median(times[k]).toFixed(0)} ms of ${rounds}; 100,000-file layer`,
    }));
  } finally {
    await browser.close();
    serve.proc.kill('SIGTERM');
  }
}
