#!/usr/bin/env node
// `npm run bench`: digstore's ingest scenarios, with the same input through restic and git in the same run.
//   node bench/run.mjs [--only a,b,…,r] [--quick]     (--quick: smaller inputs, for a smoke run)
//   BENCH_HISTORY=100000 for scenario r's full size (10,000 generations by default; 100k takes hours the first time)
// Inputs are made by bench/make-tree.mjs (seeded, a copy of ../shared/bench/make-tree.mjs) under
// bench/work/ (or $BENCH_DIR) and kept between runs. Results: bench/results/<date>.json and a table.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureTool } from './lib/measure.mjs';
import { CLI, digstoreAddCommit, gitAddCommit, resticBackup } from './lib/tools.mjs';
import { readBackScenario, restoreScenario } from './lib/restore.mjs';
import { startupScenario } from './lib/startup.mjs';
import { gatewayScenario } from './lib/gateway.mjs';
import { webUiScenario } from './lib/web-ui.mjs';
import { s3RemoteScenario } from './lib/s3-remote.mjs';
import { measure } from './lib/measure.mjs';
import { inMemory } from './lib/inmemory.mjs';
import { verifyTree } from './lib/verify.mjs';
import { proofScenario } from './lib/proofs.mjs';
import { manyLayers } from './lib/many-layers.mjs';
import { decoderTimes } from './lib/decoders.mjs';
import { historyCli, historyCommitsPaired, historyScale } from './lib/history.mjs';

const here = dirname(new URL(import.meta.url).pathname);
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const only = argv.includes('--only')
  ? argv[argv.indexOf('--only') + 1].split(',')
  : ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r'];
const work = process.env.BENCH_DIR ?? join(here, 'work');
mkdirSync(work, { recursive: true });
const notes = [];
const hasRestic = ensureTool('restic', 'restic', notes);
const hasGit = ensureTool('git', 'git', notes);
ensureTool('/usr/bin/time', 'time', notes);

function makeInput(name, args) {
  const target = join(work, name);
  const stamp = `${target}.json`;
  const want = JSON.stringify(args);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return target;
  rmSync(target, { recursive: true, force: true });
  console.error(`generating ${name}…`);
  // `big` makes one file: put it in a directory of its own, the tree the tools are pointed at.
  if (args[0] === 'big') mkdirSync(target, { recursive: true });
  const out = args[0] === 'big' ? join(target, 'big.bin') : target;
  const r = spawnSync(process.execPath, [join(here, 'make-tree.mjs'), args[0], out, ...args.slice(1)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`make-tree failed for ${name}`);
  writeFileSync(stamp, want);
  return target;
}

/** Scenario b's input (also h's): n files of 0-2 KiB in n/100 directories; q's: 16-1024 bytes. */
function tinyInput(n, min = 0, max = 2048) {
  const name = min === 0 ? `tiny-${n}` : `tiny${min}-${n}`;
  return makeInput(name, [
    'small',
    '--files',
    String(n),
    '--dirs',
    String(n / 100),
    '--min',
    String(min),
    '--max',
    String(max),
  ]);
}

const rows = [];
function row(scenario, tool, m, { files = null, bytes = null, extra = {} } = {}) {
  const r = {
    scenario,
    tool,
    seconds: m.seconds,
    rssMB: m.rssMB,
    cpuSeconds: m.cpuSeconds ?? null,
    files,
    bytes,
    ...extra,
  };
  if (files > 1) r.filesPerSec = files / m.seconds;
  if (bytes) r.MBps = bytes / 1e6 / m.seconds;
  rows.push(r);
  const cpu = m.cpuSeconds ? `, ${m.cpuSeconds.toFixed(2)} s CPU` : '';
  console.error(
    `  ${scenario} ${tool}: ${m.seconds.toFixed(2)} s${cpu}${m.rssMB ? `, ${m.rssMB.toFixed(0)} MB RSS` : ''}`,
  );
  return r;
}

/** The run with the median wall time, and every run's seconds. */
function medianRun(runs) {
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  return { ...sorted[Math.floor(sorted.length / 2)], runs: runs.map((r) => Number(r.seconds.toFixed(3))) };
}

/** `rounds` alternating runs of digstore, restic and git on the same tree; one row each, the median run. */
function compare(scenario, dir, files, bytes, { git = true, rounds = 1 } = {}) {
  const runs = { digstore: [], restic: [], git: [] };
  for (let i = 0; i < rounds; i++) {
    runs.digstore.push(digstoreAddCommit(dir, join(work, `${scenario}-home`)));
    if (hasRestic) runs.restic.push(resticBackup(dir, join(work, `${scenario}-restic`)));
    if (hasGit && git) runs.git.push(gitAddCommit(dir, join(work, `${scenario}-git`)));
  }
  const d = medianRun(runs.digstore);
  row(scenario, 'digstore', d, {
    files,
    bytes,
    extra: {
      add: d.add.seconds,
      commit: d.commit.seconds,
      addRssMB: d.add.rssMB,
      commitRssMB: d.commit.rssMB,
      ...(rounds > 1 ? { runs: d.runs, note: `median of ${rounds}, alternating` } : {}),
    },
  });
  for (const tool of ['restic', 'git']) {
    if (runs[tool].length === 0) continue;
    const m = medianRun(runs[tool]);
    row(scenario, tool, m, { files, bytes, extra: rounds > 1 ? { runs: m.runs } : {} });
  }
  if (!git) notes.push(`${scenario}: git skipped (git add of multi-GiB files takes minutes; it is not built for them)`);
  return d;
}

const small = quick ? 2000 : 20000;
if (only.includes('a') || only.includes('e')) {
  const dir = makeInput(`small-${small}`, ['small', '--files', String(small)]);
  const bytes = small * 4608;
  if (only.includes('a')) compare('a', dir, small, bytes, { rounds: quick ? 1 : 5 });
  if (only.includes('e')) {
    if (!only.includes('a')) digstoreAddCommit(dir, join(work, 'a-home'));
    const first = rows.find((r) => r.scenario === 'a' && r.tool === 'digstore');
    const e = digstoreAddCommit(dir, join(work, 'a-home'), { reAdd: true });
    row('e', 'digstore', e, { files: small, extra: { ratioToFirstAdd: first ? e.seconds / first.add : null } });
  }
}
if (only.includes('b')) {
  const n = quick ? 10000 : 100000;
  const dir = tinyInput(n);
  compare('b', dir, n, n * 1024, { rounds: quick ? 1 : 3 });
}
if (only.includes('c')) {
  for (const mb of quick ? [256] : [1024, 5120]) {
    const dir = makeInput(`big-${mb}`, ['big', '--mb', String(mb)]);
    const label = `c ${mb >= 1024 ? `${mb / 1024} GiB` : `${mb} MiB`}`;
    compare(label, dir, 1, mb * 2 ** 20, { git: mb <= 1024 });
    // …and read back whole: digstore get vs restic dump, from the stores just written.
    const read = readBackScenario(dir, 'big.bin', join(work, `${label}-home`), join(work, `${label}-restic`), {
      rounds: quick ? 1 : 3,
      hasRestic,
    });
    for (const r of read) row(`${label} read`, r.tool, r, { files: 1, bytes: mb * 2 ** 20, extra: { runs: r.runs } });
  }
}
if (only.includes('d')) {
  const dir = makeInput(`mixed${quick ? '-quick' : ''}`, [
    'mixed',
    '--files',
    quick ? '1000' : '10000',
    '--big-mb',
    quick ? '20' : '100',
  ]);
  compare('d', dir, quick ? 1005 : 10005, null);
  const v = await verifyTree(dir, join(work, 'd-home'));
  rows.find((r) => r.scenario === 'd' && r.tool === 'digstore').verified = v;
  console.error(`  d: read back ${v.files} files, ${v.mismatches} mismatches`);
}
if (only.includes('f')) {
  for (const [name, r] of Object.entries(await inMemory(quick ? 256 : 1024)))
    row('f', name, r, { bytes: r.mb * 2 ** 20 });
}

if (only.includes('g')) {
  // Scanning cost with a huge ignored directory: 20k files, then the same 20k plus node_modules/ with 200k
  // files excluded by .digignore. An excluded directory is never walked, so the two should cost the same.
  const n = quick ? 2000 : 20000;
  const plain = makeInput(`small-${n}`, ['small', '--files', String(n)]);
  const withDeps = makeInput(`ignored-${n}`, ['small', '--files', String(n)]);
  const deps = join(withDeps, 'node_modules');
  if (!existsSync(deps)) {
    console.error('generating node_modules…');
    spawnSync(
      process.execPath,
      [
        join(here, 'make-tree.mjs'),
        'small',
        deps,
        '--files',
        String(n * 10),
        '--dirs',
        String(n / 10),
        '--min',
        '0',
        '--max',
        '64',
      ],
      { stdio: 'ignore' },
    );
    writeFileSync(join(withDeps, '.digignore'), 'node_modules/\n');
  }
  const home = join(work, 'g-home');
  for (const [label, dir] of [
    ['20k files', plain],
    ['20k + ignored node_modules (200k)', withDeps],
  ]) {
    rmSync(home, { recursive: true, force: true });
    rmSync(join(dir, '.digstore'), { force: true });
    measure(process.execPath, [CLI, 'init', '-q'], { cwd: dir, env: { DIGSTORE_HOME: home } });
    const m = measure(process.execPath, [CLI, 'add', '-A', '--dry-run'], { cwd: dir, env: { DIGSTORE_HOME: home } });
    row('g', `scan (add -A --dry-run): ${quick ? label.replace(/20k/g, '2k').replace('200k', '20k') : label}`, m, {
      files: n,
    });
  }
}

if (only.includes('h')) {
  // Proofs and byte-range reads on the stores of (b) and (c 1 GiB), made here if those did not run.
  const n = quick ? 10000 : 100000;
  const tiny = tinyInput(n);
  const mb = quick ? 256 : 1024;
  const big = makeInput(`big-${mb}`, ['big', '--mb', String(mb)]);
  const cLabel = `c ${mb >= 1024 ? `${mb / 1024} GiB` : `${mb} MiB`}`;
  if (!only.includes('b')) digstoreAddCommit(tiny, join(work, 'b-home'));
  if (!only.includes('c')) digstoreAddCommit(big, join(work, `${cLabel}-home`));
  for (const r of proofScenario(tiny, join(work, 'b-home'), big, join(work, `${cLabel}-home`))) {
    rows.push({
      scenario: 'h',
      tool: r.label,
      seconds: r.ms === null ? null : r.ms / 1000,
      rssMB: r.rssMB ?? null,
      note: r.note,
    });
    console.error(`  h ${r.label}: ${r.ms === null ? '' : `${r.ms.toFixed(1)} ms `}${r.note ?? ''}`);
  }
}

if (only.includes('i')) {
  // What compression (the default, brotli) costs: the inputs of (a) and (c 1 GiB) with and without it, and a
  // compressible tree (text, JSON, logs: the mixed scenario's small files are random, so they would not show it).
  const small = makeInput(`small-${quick ? 2000 : 20000}`, ['small', '--files', String(quick ? 2000 : 20000)]);
  const big = makeInput(`big-${quick ? 256 : 1024}`, ['big', '--mb', String(quick ? 256 : 1024)]);
  for (const [label, dir] of [
    ['20k small files', small],
    [quick ? '256 MiB file' : '1 GiB file', big],
  ]) {
    const home = join(work, 'i-home');
    // Alternate and keep each one's best of two: the first run after deleting a big store pays for the disk's
    // discards, whichever it is.
    const best = (a, b) => (a.seconds <= b.seconds ? a : b);
    let raw = digstoreAddCommit(dir, home, { initArgs: ['--no-compression'] });
    let comp = digstoreAddCommit(dir, home);
    raw = best(raw, digstoreAddCommit(dir, home, { initArgs: ['--no-compression'] }));
    comp = best(comp, digstoreAddCommit(dir, home));
    row('i', `${label}: --no-compression`, raw);
    row('i', `${label}: brotli (default)`, comp, {
      extra: { note: `${(comp.seconds / raw.seconds).toFixed(2)} x uncompressed time` },
    });
  }
}

if (only.includes('j')) {
  for (const r of await manyLayers(work, quick ? 100 : 1000)) {
    rows.push({ scenario: 'j', tool: r.label, seconds: r.ms / 1000, rssMB: r.rssMB ?? null, note: r.note });
    console.error(`  j ${r.label}: ${r.ms.toFixed(1)} ms ${r.note ?? ''}`);
  }
}

if (only.includes('k')) {
  for (const r of decoderTimes(quick ? 1000 : 10_000)) {
    rows.push({ scenario: 'k', tool: r.label, seconds: r.ms / 1000, rssMB: null, note: r.note });
    console.error(`  k ${r.label}: ${r.ms.toFixed(2)} ms (${r.note})`);
  }
}

if (only.includes('l')) {
  // Restoring: the 20k-file tree of scenario a, and 50,000 empty files (where per-file costs are all there is).
  const trees = [
    [`small-${small}`, makeInput(`small-${small}`, ['small', '--files', String(small)]), small],
    [
      'empty-50000',
      makeInput('empty-50000', ['small', '--files', '50000', '--dirs', '500', '--min', '0', '--max', '0']),
      50000,
    ],
  ];
  for (const [name, dir, files] of quick ? trees.slice(0, 1) : trees) {
    for (const r of restoreScenario(dir, name, work, { rounds: quick ? 1 : 5, hasRestic }))
      row(`l ${name}`, r.tool, r, { files, extra: { runs: r.runs } });
  }
}

if (only.includes('m')) {
  for (const r of startupScenario(quick ? 5 : 20)) rows.push({ scenario: 'm', ...r, note: 'median, alternating runs' });
}

if (only.includes('n') && ensureTool('nginx', 'nginx-light', notes) && ensureTool('curl', 'curl', notes)) {
  const big = makeInput(`big-${quick ? 256 : 1024}`, ['big', '--mb', String(quick ? 256 : 1024)]);
  for (const r of await gatewayScenario(big, work, { rounds: quick ? 1 : 5, amount: quick ? 200 : 1000 })) {
    const note =
      r.p99 === undefined
        ? `median of alternating runs; the first ${r.firstMBps.toFixed(0)} MB/s`
        : `${r.reqPerSec.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms (medians)`;
    rows.push({ scenario: 'n', ...r, note });
    console.error(`  n ${r.tool}: ${note}${r.MBps ? `, ${r.MBps.toFixed(0)} MB/s` : ''}`);
  }
}

if (only.includes('o') && ensureTool('chromium', 'chromium', notes)) {
  const files = quick ? 10_000 : 100_000;
  const dir = makeInput(`ui-${files}`, [
    'small',
    '--files',
    String(files),
    '--dirs',
    String(files / 1000),
    '--min',
    '0',
    '--max',
    '512',
  ]);
  for (const r of await webUiScenario(dir, work, { rounds: quick ? 2 : 5 })) {
    rows.push({ scenario: 'o', rssMB: null, ...r });
    console.error(`  o ${r.tool}: ${r.note}`);
  }
}

if (only.includes('p') && hasRestic && ensureTool('nginx', 'nginx-light', notes)) {
  // Remotes on a real S3 server (Swift): the 20k tree of scenario a and the 1 GiB file of scenario c.
  const mb = quick ? 256 : 1024;
  const trees = [
    {
      label: `${small / 1000}k files`,
      dir: makeInput(`small-${small}`, ['small', '--files', String(small)]),
      files: small,
      bytes: small * 4608,
    },
    {
      label: mb >= 1024 ? '1 GiB file' : `${mb} MiB file`,
      dir: makeInput(`big-${mb}`, ['big', '--mb', String(mb)]),
      files: 1,
      bytes: mb * 2 ** 20,
    },
  ];
  for (const r of await s3RemoteScenario(trees, work, { rounds: quick ? 1 : 3 })) {
    if (r.bytes) r.MBps = r.bytes / 1e6 / r.seconds;
    rows.push(r);
  }
}

if (only.includes('q')) {
  // Scale: tiny files (16-1024 bytes, seeded) at 400k and 1M: add, commit and status of the unchanged tree,
  // each one CLI call, with peak RSS (the per-file memory of the issue). Made once (1M files: ~2 min).
  for (const n of quick ? [40_000] : [400_000, 1_000_000]) {
    const dir = tinyInput(n, 16, 1024);
    // Every file read once first: a tree made hours ago may have left the page cache (a cold 400k add took
    // 139 s where a warm one takes 14), and the other scenarios compare warm runs too.
    spawnSync('sh', ['-c', 'find . -type f -print0 | xargs -0 cat > /dev/null'], { cwd: dir });
    const home = join(work, `q-${n}-home`);
    const env = { DIGSTORE_HOME: home };
    rmSync(home, { recursive: true, force: true });
    rmSync(join(dir, '.digstore'), { force: true });
    measure(process.execPath, [CLI, 'init', '-q'], { cwd: dir, env });
    for (const step of [
      ['add', '-r', '.', '-q'],
      ['commit', '-m', 'q', '-q'],
      ['status', '--porcelain'],
    ])
      row(`q ${n / 1000}k ${step[0]}`, 'digstore', measure(process.execPath, [CLI, ...step], { cwd: dir, env }), {
        files: n,
      });
  }
}

if (only.includes('r')) {
  // History scale: commit time and archive bytes per commit around generation 1,000 and at the end.
  const total = Number(process.env.BENCH_HISTORY ?? (quick ? 2000 : 10_000));
  const r = await historyScale(work, total, {
    onProgress: (g, ms) => console.error(`  r: ${g} generations, ${(ms / 1000).toFixed(0)} s`),
  });
  for (const w of r.windows)
    rows.push({
      scenario: `r commit ${w.name}`,
      tool: 'digstore',
      seconds: w.commitMs / 1000,
      rssMB: null,
      note: `${w.bytesPerCommit} archive bytes per commit (median of 200)`,
    });
  rows.push({
    scenario: `r log -n 10 at ${total}`,
    tool: 'digstore',
    seconds: r.log.seconds,
    rssMB: r.log.rssMB,
    note: 'one CLI call',
  });
  for (const w of r.windows)
    if (w.indexBytesPerCommit)
      notes.push(
        `r ${w.name}: index record ${w.indexBytesPerCommit} bytes per commit (median), ${w.indexBytesMax} at most`,
      );
  // The same CLI calls on a store of 1,000 generations and on this one, alternating.
  const small = total > 1000 ? await historyScale(work, 1000) : null;
  if (small) {
    const paired = await historyCommitsPaired([small, r]);
    rows.push({
      scenario: `r commit, 1,000 vs ${total.toLocaleString('en')} generations (in-process)`,
      tool: 'digstore',
      seconds: paired.commitMs[1] / 1000,
      rssMB: null,
      note: `${paired.commitMs[0].toFixed(2)} ms at 1,000 generations; paired ratio ${paired.ratio.toFixed(2)} (4 alternating rounds of 200 commits, medians)`,
    });
    for (const c of historyCli([small, r])) {
      const [a, b] = c.seconds;
      rows.push({
        scenario: `r ${c.name}: 1,000 vs ${total.toLocaleString('en')} generations`,
        tool: 'digstore',
        seconds: b,
        rssMB: null,
        note: `${a.toFixed(3)} s at 1,000 generations; ratio ${(b / a).toFixed(2)} (medians of 5, alternating)`,
      });
    }
  }
}

// Table with ratios against restic and git from this same run.
const ratio = (r, tool) => {
  const o = rows.find((x) => x.scenario === r.scenario && x.tool === tool);
  return o && r.tool === 'digstore' ? (r.seconds / o.seconds).toFixed(2) : '';
};
const lines = [['scenario', 'tool', 'seconds', 'files/s', 'MB/s', 'peak RSS MB', 'vs restic', 'vs git', 'note']];
for (const r of rows) {
  const note = r.note
    ? r.note
    : r.ratioToFirstAdd
      ? `${r.ratioToFirstAdd.toFixed(2)} x first add`
      : r.verified
        ? `${r.verified.files} files read back, ${r.verified.mismatches} mismatches`
        : '';
  lines.push([
    r.scenario,
    r.tool,
    r.seconds === null
      ? ''
      : r.seconds < 0.01
        ? r.seconds.toPrecision(2)
        : r.seconds < 1
          ? r.seconds.toFixed(3)
          : r.seconds.toFixed(2),
    r.filesPerSec ? r.filesPerSec.toFixed(0) : '',
    r.MBps ? r.MBps.toFixed(0) : '',
    r.rssMB ? r.rssMB.toFixed(0) : '',
    ratio(r, 'restic'),
    ratio(r, 'git'),
    note,
  ]);
}
const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
const table = lines.map((l) => `| ${l.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`);
table.splice(1, 0, `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
console.log(table.join('\n'));
if (notes.length) console.log(`\nNotes:\n${notes.map((n) => `- ${n}`).join('\n')}`);
console.log('\n"vs restic"/"vs git": digstore time / their time in this run (below 1 = digstore faster).');

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const machine = {
  cpus: cpus().length,
  parallelism: availableParallelism(),
  cpu: cpus()[0]?.model,
  memGiB: totalmem() / 2 ** 30,
  node: process.version,
};
const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  join(resultsDir, `${stamp}${quick ? '-quick' : ''}.json`),
  JSON.stringify({ date: new Date().toISOString(), quick, machine, rows, notes }, null, 2),
);
