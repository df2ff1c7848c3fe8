// Scenario r: history scale (issue "small files … linear to a million files", acceptance 6). One store gets
// `total` commits of a one-file change, in-process (a CLI call per commit would take hours), made once and
// kept under the bench work directory; a run that was stopped goes on where it stopped. Around generation
// 1,000 and over the last 200 generations it records the median commit time, the archive bytes each commit
// adds (chunk data + layer record + layer index record) and the index record's own bytes. Then CLI calls on
// it and on a store of 1,000 generations made the same way, alternating, medians of 5: `log -n 10`, `status`
// (opening the store), `cat --at ROOT` of generation 1's root, and `add` + `commit` of one changed file.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../../dist/index.js';
import { Archive } from '../../dist/store/archive.js';
import { CLI } from './tools.mjs';
import { measure, median } from './measure.mjs';

const WINDOW = 200;

/** Commits until the store has `total` generations; returns the window figures. */
export async function historyScale(work, total, { onProgress = () => {} } = {}) {
  const project = join(work, `history-${total}`);
  const home = join(work, `history-${total}-home`);
  const figuresFile = join(project, '.figures.json');
  mkdirSync(project, { recursive: true });
  const store = existsSync(join(project, '.digstore')) ? Store.open(project, { home }) : Store.init(project, { home });
  if (!existsSync(join(project, '.digignore'))) writeFileSync(join(project, '.digignore'), '.figures.json\n');
  const figures = existsSync(figuresFile) ? JSON.parse(readFileSync(figuresFile, 'utf8')) : {};
  const windows = [
    { name: 'at 1,000', from: 1000 - WINDOW + 1, to: 1000 },
    { name: `at ${total.toLocaleString('en')}`, from: total - WINDOW + 1, to: total },
  ];
  let gen = store.info().generations;
  const started = performance.now();
  let sample = null;
  while (gen < total) {
    const next = gen + 1;
    const w = windows.find((x) => next >= x.from && next <= x.to && !figures[x.name]);
    writeFileSync(join(project, 'counter.txt'), `generation ${next}\n`);
    await store.add(['counter.txt'], { workers: 0 });
    const before = w ? statSync(store.info().archive).size : 0;
    const t = performance.now();
    await store.commit(`commit ${next}`);
    if (w) {
      sample ??= { ms: [], bytes: [], index: [] };
      sample.ms.push(performance.now() - t);
      sample.bytes.push(statSync(store.info().archive).size - before);
      sample.index.push(indexRecordBytes(store.info().archive));
      if (next === w.to) {
        figures[w.name] = {
          commitMs: median(sample.ms),
          bytesPerCommit: median(sample.bytes),
          indexBytesPerCommit: median(sample.index),
          indexBytesMax: Math.max(...sample.index),
        };
        writeFileSync(figuresFile, JSON.stringify(figures));
        sample = null;
      }
    }
    gen = next;
    if (gen % 1000 === 0) onProgress(gen, performance.now() - started);
  }
  const env = { DIGSTORE_HOME: home };
  const log = measure(process.execPath, [CLI, 'log', '-n', '10', '--json'], { cwd: project, env });
  return {
    windows: windows.map((w) => ({ name: w.name, ...figures[w.name] })),
    log,
    archiveBytes: statSync(store.info().archive).size,
    project,
    home,
  };
}

/** The length of the layer index record the archive's superblock points at (the one the last commit wrote). */
function indexRecordBytes(archivePath) {
  const a = Archive.open(archivePath);
  try {
    return a.sb.indexLength;
  } finally {
    a.close();
  }
}

/** CLI calls on two stores of different history lengths, alternating; medians of `rounds` (seconds). */
export function historyCli(stores, rounds = 5) {
  const cmds = {
    'log -n 10': () => [['log', '-n', '10', '--json']],
    status: () => [['status', '--json']],
    'cat --at ROOT of generation 1': (s) => [['cat', '--at', s.root1, 'counter.txt']],
    'add + commit of one file': () => [
      ['add', 'counter.txt'],
      ['commit', '-m', 'cli'],
    ],
  };
  for (const s of stores) {
    const a = Archive.open(Store.open(s.project, { home: s.home }).info().archive);
    s.root1 = Buffer.from(a.layerEntry(1).storeRoot).toString('hex');
    a.close();
  }
  const out = [];
  for (const [name, argsOf] of Object.entries(cmds)) {
    const times = stores.map(() => []);
    for (let r = 0; r < rounds; r++) {
      stores.forEach((s, i) => {
        if (name.startsWith('add')) writeFileSync(join(s.project, 'counter.txt'), `cli round ${r} ${Date.now()}\n`);
        const env = { DIGSTORE_HOME: s.home };
        const steps = argsOf(s).map((args) => measure(process.execPath, [CLI, ...args], { cwd: s.project, env }));
        times[i].push(steps.reduce((t, x) => t + x.seconds, 0));
      });
    }
    out.push({ name, seconds: times.map(median) });
  }
  return out;
}

/**
 * In-process commit time on two stores, alternating rounds of `n` one-file commits (add not timed): the median
 * commit of each round, then the median over rounds, per store, and the median of the paired ratios.
 */
export async function historyCommitsPaired(stores, rounds = 4, n = 200) {
  const opened = stores.map((s) => ({ project: s.project, store: Store.open(s.project, { home: s.home }) }));
  const medians = opened.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [i, { project, store }] of opened.entries()) {
      const ms = [];
      for (let k = 0; k < n; k++) {
        writeFileSync(join(project, 'counter.txt'), `paired ${r} ${k} ${Date.now()}\n`);
        await store.add(['counter.txt'], { workers: 0 });
        const t = performance.now();
        await store.commit(`paired ${r} ${k}`);
        ms.push(performance.now() - t);
      }
      medians[i].push(median(ms));
    }
  }
  const ratios = medians[1].map((b, r) => b / medians[0][r]);
  return { commitMs: medians.map(median), ratio: median(ratios), rounds: medians };
}
