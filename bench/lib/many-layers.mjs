// Scenario j: a store with 1,000 layers (made once, in-process, and kept under the bench work directory).
// Opening it and reading a file at the latest root, as the library (fresh open each time) and as one CLI call.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../../dist/index.js';
import { CLI } from './tools.mjs';
import { measure } from './measure.mjs';

export async function manyLayers(work, layers) {
  const project = join(work, `layers-${layers}`);
  const home = join(work, `layers-${layers}-home`);
  const done = join(project, '.complete');
  if (!existsSync(done)) {
    console.error(`making a store with ${layers} layers…`);
    rmSync(project, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
    mkdirSync(join(project, 'src'), { recursive: true });
    for (let i = 0; i < 200; i++) writeFileSync(join(project, 'src', `f${i}.txt`), `file ${i}\n`.repeat(50));
    const store = Store.init(project, { home });
    for (let i = 0; i < layers; i++) {
      writeFileSync(join(project, 'src', `f${i % 200}.txt`), `file ${i % 200}, version ${i}\n`.repeat(50));
      writeFileSync(join(project, 'counter.txt'), String(i));
      await store.addDirectory('.', { workers: 0 });
      await store.commit(`commit ${i}`);
    }
    writeFileSync(done, '');
    writeFileSync(join(project, '.digignore'), '.complete\n');
  }
  const times = [];
  let reads = 0;
  for (let i = 0; i < 9; i++) {
    const t = performance.now();
    const s = Store.open(project, { home });
    const data = s.get('src/f7.txt');
    reads = s.stat('src/f7.txt').layerReads;
    times.push(performance.now() - t);
    if (data.length === 0) throw new Error('empty read');
  }
  times.sort((a, b) => a - b);
  const cli = measure(process.execPath, [CLI, 'cat', 'src/f7.txt'], { cwd: project, env: { DIGSTORE_HOME: home } });
  return [
    {
      label: `open a store of ${layers} layers + read a file at the latest root (library, median)`,
      ms: times[4],
      note: `${reads} layer reads`,
    },
    { label: `digstore cat on that store (one CLI call)`, ms: cli.seconds * 1000, rssMB: cli.rssMB },
  ];
}
