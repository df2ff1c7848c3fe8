// Scenario p: remotes on a real S3-compatible server (OpenStack Swift with s3api, scripts/s3-test-server.sh),
// digstore against restic on the same server, in alternating runs (medians):
//   digstore init + add + commit + push        vs  restic backup (into an initialised repository)
//   digstore push again, nothing new           vs  restic backup again, nothing new
//   digstore clone + extract (a fresh home)    vs  restic restore latest
// Debian's restic signs uploads in a way Swift refuses over plain HTTP, so both go through nginx: TLS on one
// port for restic (a self-signed certificate), plain HTTP on another for digstore, the same proxy either way.
// nginx's access log counts each tool's requests and the bytes it sent and received.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { measure, median, sumSteps } from './measure.mjs';
import { CLI, resticEnv } from './tools.mjs';

const root = new URL('../..', import.meta.url).pathname;
const S3_PORT = 8391;
const TLS_PORT = 8443;
const PLAIN_PORT = 8392;
const CREDS = { AWS_ACCESS_KEY_ID: 'test:tester', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' };

function startSwift() {
  const sh = (arg) => spawnSync('bash', [join(root, 'scripts/s3-test-server.sh'), arg], { stdio: 'inherit' });
  if (sh('install').status !== 0 || sh('start').status !== 0) throw new Error('could not start the S3 server');
}

async function startProxy(work) {
  const dir = join(work, 'p-nginx');
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'cert.pem')))
    spawnSync('openssl', [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=127.0.0.1'],
      ...['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-addext', 'subjectAltName=IP:127.0.0.1'],
    ]);
  const location = `location / { proxy_pass http://127.0.0.1:${S3_PORT}; proxy_set_header Host $http_host;
      proxy_http_version 1.1; proxy_set_header Connection ""; }`;
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;\ndaemon off;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {
  log_format counting '$server_port $request_method $status $request_length $bytes_sent';
  access_log ${dir}/access.log counting;
  client_max_body_size 0; proxy_request_buffering off; proxy_buffering off;
  server { listen 127.0.0.1:${TLS_PORT} ssl; ssl_certificate ${dir}/cert.pem; ssl_certificate_key ${dir}/key.pem;
    ${location} }
  server { listen 127.0.0.1:${PLAIN_PORT}; ${location} }
}\n`,
  );
  rmSync(join(dir, 'access.log'), { force: true });
  const proc = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  for (let i = 0; i < 50 && !existsSync(join(dir, 'nginx.pid')); i++) await sleep(100);
  const log = join(dir, 'access.log');
  let seen = 0;
  return {
    cert: join(dir, 'cert.pem'),
    /** Requests and bytes (client → server, server → client) logged since the last call. */
    counts() {
      const lines = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : [];
      const fresh = lines.slice(seen);
      seen = lines.length;
      return fresh.reduce(
        (c, l) => {
          const [, , , up, down] = l.split(' ');
          return { requests: c.requests + 1, sentMB: c.sentMB + up / 1e6, receivedMB: c.receivedMB + down / 1e6 };
        },
        { requests: 0, sentMB: 0, receivedMB: 0 },
      );
    },
    stop: () => proc.kill('SIGTERM'),
  };
}

async function bucket(name) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const sdk = createRequire(join(root, 'package.json'))('@aws-sdk/client-s3');
  const s3 = new sdk.S3Client({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${S3_PORT}`,
    forcePathStyle: true,
    credentials: { accessKeyId: CREDS.AWS_ACCESS_KEY_ID, secretAccessKey: CREDS.AWS_SECRET_ACCESS_KEY },
  });
  await s3.send(new sdk.CreateBucketCommand({ Bucket: name }));
  return name;
}

let serial = 0;

/** One digstore round: add + commit + push, an up-to-date push, then clone + extract elsewhere. */
async function digstoreRound(dir, work, proxy) {
  const b = await bucket(`p-dig-${process.pid}-${serial++}`);
  const home = join(work, 'p-dig-home');
  const env = { DIGSTORE_HOME: home, AWS_ENDPOINT_URL: `http://127.0.0.1:${PLAIN_PORT}`, ...CREDS };
  rmSync(home, { recursive: true, force: true });
  rmSync(join(dir, '.digstore'), { force: true });
  const dig = (args, cwd = dir, e = env) => measure(process.execPath, [CLI, ...args], { cwd, env: e });
  proxy.counts();
  const steps = [dig(['init', '-q']), dig(['add', '-r', '.', '-q']), dig(['commit', '-m', 'p', '-q'])];
  const pushed = dig(['push', `s3://${b}/d`, '-q']);
  const backup = { ...sumSteps([...steps, pushed]), push: pushed.seconds, ...proxy.counts() };
  const again = { ...dig(['push', `s3://${b}/d`, '-q']), ...proxy.counts() };
  const home2 = join(work, 'p-dig-home2');
  const out = join(work, 'p-dig-out');
  rmSync(home2, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const env2 = { ...env, DIGSTORE_HOME: home2 };
  const cloned = dig(['clone', `s3://${b}/d`, join(out, 'project'), '-q'], out, env2);
  const extracted = dig(['extract', '.', join(out, 'tree'), '-q'], join(out, 'project'), env2);
  const restore = { ...sumSteps([cloned, extracted]), clone: cloned.seconds, ...proxy.counts() };
  rmSync(out, { recursive: true, force: true });
  return { backup, again, restore };
}

/** One restic round: backup into an initialised repository, again with nothing new, restore. */
async function resticRound(dir, work, proxy) {
  const repo = `s3:https://127.0.0.1:${TLS_PORT}/p-restic-${process.pid}-${serial++}`;
  const env = { ...resticEnv(join(work, 'p-restic')), ...CREDS };
  rmSync(join(work, 'p-restic-cache'), { recursive: true, force: true });
  const restic = (args, cwd = dir) =>
    measure('restic', ['-q', '--cacert', proxy.cert, '-r', repo, ...args], { cwd, env });
  restic(['init']);
  proxy.counts();
  const backup = { ...restic(['backup', '.']), ...proxy.counts() };
  const again = { ...restic(['backup', '.']), ...proxy.counts() };
  const out = join(work, 'p-restic-out');
  rmSync(out, { recursive: true, force: true });
  const restore = { ...restic(['restore', 'latest', '--target', out]), ...proxy.counts() };
  rmSync(out, { recursive: true, force: true });
  return { backup, again, restore };
}

/** Rows for each tree: three comparisons, medians of alternating rounds. */
export async function s3RemoteScenario(trees, work, { rounds = 3 } = {}) {
  startSwift();
  const proxy = await startProxy(work);
  const rows = [];
  try {
    for (const { label, dir, files, bytes } of trees) {
      const runs = { digstore: [], restic: [] };
      for (let i = 0; i < rounds; i++) {
        for (const tool of i % 2 ? ['restic', 'digstore'] : ['digstore', 'restic']) {
          const r = tool === 'digstore' ? await digstoreRound(dir, work, proxy) : await resticRound(dir, work, proxy);
          runs[tool].push(r);
          console.error(
            `  p ${label} ${tool}: backup ${r.backup.seconds.toFixed(2)} s, again ${r.again.seconds.toFixed(2)} s (${r.again.requests} requests), restore ${r.restore.seconds.toFixed(2)} s`,
          );
        }
      }
      for (const [what, name] of [
        ['backup', `p ${label}: add+commit+push / backup`],
        ['again', `p ${label}: push / backup, nothing new`],
        ['restore', `p ${label}: clone+extract / restore`],
      ])
        for (const [tool, rs] of Object.entries(runs)) {
          const ms = rs.map((r) => r[what]);
          const pick = (k) => median(ms.map((m) => m[k] ?? 0));
          rows.push({
            scenario: name,
            tool,
            seconds: pick('seconds'),
            rssMB: pick('rssMB') || null,
            files,
            bytes,
            requests: pick('requests'),
            sentMB: pick('sentMB'),
            receivedMB: pick('receivedMB'),
            runs: ms.map((m) => Number(m.seconds.toFixed(2))),
            note: `${pick('requests')} requests, ${pick('sentMB').toFixed(1)} MB up, ${pick('receivedMB').toFixed(1)} MB down`,
          });
        }
    }
  } finally {
    proxy.stop();
  }
  return rows;
}
