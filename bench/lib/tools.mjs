// The same work through digstore, restic and git, each in fresh state under the bench work directory.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { measure, sumSteps } from './measure.mjs';

export const CLI = resolve(new URL('../../dist/bin/digstore.js', import.meta.url).pathname);

/** `digstore init` (untimed), then `add -r .` and `commit` as two timed CLI calls. */
export function digstoreAddCommit(dir, home, { reAdd = false, initArgs = [] } = {}) {
  const env = { DIGSTORE_HOME: home };
  if (!reAdd) {
    rmSync(home, { recursive: true, force: true });
    rmSync(join(dir, '.digstore'), { force: true });
    measure(process.execPath, [CLI, 'init', '-q', ...initArgs], { cwd: dir, env });
  }
  const add = measure(process.execPath, [CLI, 'add', '-r', '.', '--json'], { cwd: dir, env });
  const summary = JSON.parse(add.stdout.trim().split('\n').pop());
  if (reAdd) return { ...sumSteps([add]), add, summary };
  const commit = measure(process.execPath, [CLI, 'commit', '-m', 'bench', '-q'], { cwd: dir, env });
  return { ...sumSteps([add, commit]), add, commit, summary, root: commit.stdout.trim() };
}

/** What every restic call of the bench runs with: the repository's password and its own cache directory. */
export const resticEnv = (repo) => ({ RESTIC_PASSWORD: 'bench', RESTIC_CACHE_DIR: `${repo}-cache` });

export function resticBackup(dir, repo) {
  const env = resticEnv(repo);
  rmSync(repo, { recursive: true, force: true });
  rmSync(`${repo}-cache`, { recursive: true, force: true });
  measure('restic', ['init', '-q', '-r', repo], { env });
  return measure('restic', ['-q', '-r', repo, 'backup', '.'], { cwd: dir, env });
}

/** git add -A && git commit, in a separate git dir so the tree itself is untouched. */
export function gitAddCommit(dir, gitDir) {
  // Retried: a repeated run removes the repository of the last one, which git's own upkeep may still touch.
  rmSync(gitDir, { recursive: true, force: true, maxRetries: 10 });
  mkdirSync(gitDir, { recursive: true });
  const env = {
    GIT_DIR: gitDir,
    GIT_WORK_TREE: dir,
    GIT_AUTHOR_NAME: 'b',
    GIT_AUTHOR_EMAIL: 'b@b',
    GIT_COMMITTER_NAME: 'b',
    GIT_COMMITTER_EMAIL: 'b@b',
    // No automatic gc or maintenance in the background: the timed commit must be all the work there is.
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: 'gc.auto',
    GIT_CONFIG_VALUE_0: '0',
    GIT_CONFIG_KEY_1: 'maintenance.auto',
    GIT_CONFIG_VALUE_1: 'false',
  };
  measure('git', ['init', '-q'], { cwd: dir, env });
  writeFileSync(join(gitDir, 'info', 'exclude'), '.digstore\n');
  const add = measure('git', ['add', '-A'], { cwd: dir, env });
  const commit = measure('git', ['commit', '-q', '-m', 'bench'], { cwd: dir, env });
  return sumSteps([add, commit]);
}
