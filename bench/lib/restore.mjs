// Scenario l: reading a tree back out. The same tree is stored once by each tool (untimed), then restored into
// an empty directory: `digstore extract . DEST` against `restic restore latest --target DEST`, in alternating
// runs (digstore, restic, digstore, …) so both meet the same machine state; medians reported.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { measure, summarize } from './measure.mjs';
import { CLI, digstoreAddCommit, resticBackup, resticEnv } from './tools.mjs';

/** Times `rounds` alternating restores of `dir` by digstore and (when present) restic; returns one row each. */
export function restoreScenario(dir, name, work, { rounds = 5, hasRestic = true } = {}) {
  const home = join(work, `l-${name}-home`);
  const repo = join(work, `l-${name}-restic`);
  digstoreAddCommit(dir, home);
  if (hasRestic) resticBackup(dir, repo);
  // A fresh destination for every run; all are removed at the end, not between runs (deleting 50,000 files
  // leaves the file system busy, and whoever ran next would pay for it).
  const dests = [];
  const dest = (tool, i) => {
    const d = join(work, `l-${name}-out-${tool}-${i}`);
    rmSync(d, { recursive: true, force: true });
    dests.push(d);
    return d;
  };
  const runs = { digstore: [], restic: [] };
  for (let i = 0; i < rounds; i++) {
    const env = { DIGSTORE_HOME: home };
    runs.digstore.push(measure(process.execPath, [CLI, 'extract', '.', dest('digstore', i), '-q'], { cwd: dir, env }));
    if (!hasRestic) continue;
    const args = ['-q', '-r', repo, 'restore', 'latest', '--target', dest('restic', i)];
    runs.restic.push(measure('restic', args, { env: resticEnv(repo) }));
  }
  for (const d of dests) rmSync(d, { recursive: true, force: true });
  return summarize(runs);
}

/**
 * Reading one large file back out, whole, to /dev/null: `digstore get` against `restic dump latest`, on the
 * stores scenario c just wrote (alternating runs, medians).
 */
export function readBackScenario(dir, name, home, repo, { rounds = 3, hasRestic = true } = {}) {
  const runs = { digstore: [], restic: [] };
  const toNull = (cmd) => ['sh', ['-c', `${cmd} > /dev/null`]];
  for (let i = 0; i < rounds; i++) {
    runs.digstore.push(
      measure(...toNull(`"${process.execPath}" "${CLI}" get ${name}`), { cwd: dir, env: { DIGSTORE_HOME: home } }),
    );
    if (!hasRestic) continue;
    runs.restic.push(measure(...toNull(`restic -q -r "${repo}" dump latest /${name}`), { env: resticEnv(repo) }));
  }
  return summarize(runs);
}
