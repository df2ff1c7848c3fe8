// Scenario n: `digstore serve` against nginx (Debian's, sendfile on, serving the same bytes as a plain file) on
// loopback. (1) the 1 GiB file downloaded whole by curl; (2) 1,000 random 64 KiB range requests at 32
// concurrent connections, made by autocannon. Alternating runs, medians; the gateway's peak RSS (VmHWM) over
// everything. nginx runs with `worker_processes auto` (one per core), its default.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { median } from './measure.mjs';
import { CLI } from './tools.mjs';

function startNginx(dir, work) {
  const conf = join(work, 'n-nginx');
  rmSync(conf, { recursive: true, force: true });
  mkdirSync(conf, { recursive: true });
  const port = 18000 + (process.pid % 1000);
  writeFileSync(
    join(conf, 'nginx.conf'),
    `worker_processes auto;\ndaemon off;\npid ${conf}/nginx.pid;\nerror_log ${conf}/error.log;\n` +
      `events { worker_connections 1024; }\nhttp {\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n` +
      ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${conf}/${t};\n`).join('') +
      `  server { listen 127.0.0.1:${port}; root ${dir}; }\n}\n`,
  );
  const proc = spawn('nginx', ['-c', join(conf, 'nginx.conf'), '-p', conf], { stdio: 'ignore' });
  return { url: `http://127.0.0.1:${port}`, stop: () => proc.kill('SIGQUIT') };
}

function startDigstore(home) {
  const proc = spawn(process.execPath, [CLI, 'serve', '--port', '0', '-q'], {
    env: { ...process.env, DIGSTORE_HOME: home },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve) => {
    proc.stdout.once('data', (d) =>
      resolve({
        url: d.toString().trim(),
        peakRssMB: () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))[1]) / 1024,
        stop: () => proc.kill('SIGTERM'),
      }),
    );
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitUp(url) {
  for (let i = 0; i < 100; i++) {
    if (spawnSync('curl', ['-s', '-o', '/dev/null', '-I', url]).status === 0) return;
    await sleep(50);
  }
  throw new Error(`${url} did not come up`);
}

function download(url) {
  const r = spawnSync('curl', ['-sS', '-o', '/dev/null', '-w', '%{time_total} %{size_download}', url]);
  if (r.status !== 0) throw new Error(`curl ${url}: ${r.stderr}`);
  const [seconds, bytes] = r.stdout.toString().split(' ').map(Number);
  return { seconds, bytes };
}

async function ranges(url, size, amount) {
  const r = await autocannon({
    url,
    connections: 32,
    amount,
    requests: [
      {
        setupRequest: (req) => {
          const start = Math.floor(Math.random() * (size - 65536));
          return { ...req, headers: { ...req.headers, Range: `bytes=${start}-${start + 65535}` } };
        },
      },
    ],
  });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { reqPerSec: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, MBps: r.throughput.average / 1e6 };
}

/** Runs the scenario on `dir/big.bin`, stored (once) in `work/n-home`; returns rows for the results table. */
export async function gatewayScenario(dir, work, { rounds = 5, amount = 1000 } = {}) {
  const home = join(work, 'n-home');
  const project = join(work, 'n-project'); // the input's own directory may already belong to another store
  const env = { ...process.env, DIGSTORE_HOME: home };
  if (!existsSync(join(home, 'done'))) {
    for (const d of [home, project]) rmSync(d, { recursive: true, force: true });
    mkdirSync(project, { recursive: true });
    linkSync(join(dir, 'big.bin'), join(project, 'big.bin'));
    for (const args of [
      ['init', '-q'],
      ['add', 'big.bin', '-q'],
      ['commit', '-m', 'bench', '-q'],
    ])
      spawnSync(process.execPath, [CLI, ...args], { cwd: project, env, stdio: 'inherit' });
    writeFileSync(join(home, 'done'), '');
  }
  const log = spawnSync(process.execPath, [CLI, 'log', '--json'], { cwd: project, env });
  const root = JSON.parse(log.stdout)[0].root;
  const id = readFileSync(join(project, '.digstore'), 'utf8').match(/[0-9a-f]{64}/)[0];
  const size = statSync(join(dir, 'big.bin')).size;
  const dig = await startDigstore(home);
  const ngx = startNginx(dir, work);
  await waitUp(`${ngx.url}/big.bin`);
  const urls = { digstore: `${dig.url}/${id}/${root}/big.bin`, nginx: `${ngx.url}/big.bin` };
  const runs = { digstore: { dl: [], rg: [] }, nginx: { dl: [], rg: [] } };
  try {
    for (let i = 0; i < rounds; i++) {
      for (const tool of i % 2 ? ['nginx', 'digstore'] : ['digstore', 'nginx']) {
        runs[tool].dl.push(download(urls[tool]));
        runs[tool].rg.push(await ranges(urls[tool], size, amount));
      }
    }
  } finally {
    ngx.stop();
  }
  const rssMB = dig.peakRssMB();
  dig.stop();
  const rows = [];
  for (const tool of ['digstore', 'nginx']) {
    const dl = median(runs[tool].dl.map((d) => d.seconds));
    const rg = runs[tool].rg;
    // The gateway checks a chunk the first time it serves it: its first download is the one that hashes.
    rows.push({
      tool: `${tool}: 1 GiB download`,
      seconds: dl,
      MBps: size / 1e6 / dl,
      rssMB: tool === 'digstore' ? rssMB : null,
      firstMBps: size / 1e6 / runs[tool].dl[0].seconds,
    });
    rows.push({
      tool: `${tool}: ${amount} x 64 KiB ranges, 32 conns`,
      seconds: null,
      reqPerSec: median(rg.map((r) => r.reqPerSec)),
      p50: median(rg.map((r) => r.p50)),
      p99: median(rg.map((r) => r.p99)),
    });
  }
  return rows;
}
