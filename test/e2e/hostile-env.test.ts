// Unreadable input, a read-only store, a write limit, and two writers at once: one clear line, the
// documented exit code, and a store that is still valid (and unchanged where nothing could be done).
import { chmodSync, copyFileSync, cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../dist/index.js';
import {
  CLI,
  cleanupTempDirs,
  committedStore,
  prng,
  runTool,
  scaled,
  snapshot,
  startCli,
  tempDir,
} from '../helpers.js';

afterAll(cleanupTempDirs);

// Root ignores file permissions: as root, the permission cases run the CLI as an unprivileged uid instead
// (as any other user, they run as that user, for whom permissions already apply). That uid cannot read a
// checkout in a private directory (or a Node installed under /root), so the bundled CLI, and Node itself when
// needed, are copied to a world-readable temp dir first.
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const asNobody = asRoot ? { uid: NOBODY, gid: NOBODY } : {};
const otherUser = asRoot ? readableCli() : { node: process.execPath, cli: CLI };

function readableCli(): { node: string; cli: string } {
  const dir = tempDir('dig-cli-copy-');
  chmodSync(dir, 0o755);
  cpSync(dirname(CLI), join(dir, 'bin'), { recursive: true });
  chmodSync(join(dir, 'bin'), 0o755);
  let node = process.execPath;
  if (runTool(node, ['-e', '0'], { ...asNobody, cwd: '/' }).code !== 0) {
    node = join(dir, 'node');
    copyFileSync(process.execPath, node);
    chmodSync(node, 0o755);
  }
  const cli = join(dir, 'bin', basename(CLI));
  const probe = runTool(node, [cli, '--version'], { ...asNobody, cwd: '/' });
  if (probe.code !== 0) throw new Error(`cannot run the CLI as uid ${NOBODY} (${node} ${cli}): ${probe.stderr}`);
  return { node, cli };
}

function runAs(args: string[], cwd: string, home: string) {
  const env = { ...process.env, DIGSTORE_HOME: home, NO_COLOR: '1' };
  return runTool(otherUser.node, [otherUser.cli, ...args], { cwd, env, ...asNobody });
}

function openDirs(...dirs: string[]) {
  for (const d of dirs) chmodSync(d, 0o777);
}
function setup(prefix: string) {
  const home = tempDir(`${prefix}-home-`);
  const project = tempDir(`${prefix}-`);
  openDirs(home, project);
  return { home, project };
}

describe('hostile environment', () => {
  it('an unreadable source file: reported with path and reason, the rest staged, exit 3', () => {
    const { home, project } = setup('dig-unread');
    writeFileSync(join(project, 'ok.txt'), 'fine');
    writeFileSync(join(project, 'secret.txt'), 'no');
    chmodSync(join(project, 'secret.txt'), 0o000);
    expect(runAs(['init'], project, home).code).toBe(0);
    const r = runAs(['add', '-A'], project, home);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/could not store secret\.txt: EACCES/);
    expect(r.stderr).toMatch(/1 path\(s\) could not be stored; the rest were staged/);
    const c = runAs(['commit', '-m', 'partial'], project, home);
    expect(c.code, c.stderr).toBe(0);
    expect(runAs(['cat', 'ok.txt'], project, home).stdout).toBe('fine');
  });

  it('an unreadable directory: a warning naming it, the rest staged, exit 3; its tracked files are not deleted', () => {
    const { home, project } = setup('dig-unread-dir');
    mkdirSync(join(project, 'locked'));
    writeFileSync(join(project, 'locked', 'in.txt'), 'inside');
    writeFileSync(join(project, 'ok.txt'), 'fine');
    openDirs(join(project, 'locked'));
    expect(runAs(['init'], project, home).code).toBe(0);
    expect(runAs(['add', '-A'], project, home).code).toBe(0);
    expect(runAs(['commit', '-m', 'one'], project, home).code).toBe(0);
    writeFileSync(join(project, 'new.txt'), 'new');
    chmodSync(join(project, 'locked'), 0o000);
    const r = runAs(['add', '-A'], project, home);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/could not store locked: directory cannot be read \(EACCES\)/);
    const s = runAs(['status', '--porcelain'], project, home);
    expect(s.stdout).toBe('A  new.txt\n'); // locked/in.txt is not staged as deleted
    chmodSync(join(project, 'locked'), 0o777);
  });

  it('extract goes on past a file it cannot write: each named, exit 3, the others written', () => {
    const { home, project } = setup('dig-extract-partial');
    for (const d of ['a', 'b', 'c']) {
      mkdirSync(join(project, d));
      writeFileSync(join(project, d, 'f.txt'), d);
    }
    openDirs(...['a', 'b', 'c'].map((d) => join(project, d)));
    expect(runAs(['init'], project, home).code).toBe(0);
    expect(runAs(['add', '-A'], project, home).code).toBe(0);
    expect(runAs(['commit', '-m', 'one'], project, home).code).toBe(0);
    const dest = tempDir('dig-extract-dest-');
    openDirs(dest);
    mkdirSync(join(dest, 'b'), { mode: 0o555 }); // exists, but uid nobody cannot write into it
    if (asRoot) chmodSync(join(dest, 'b'), 0o555);
    const r = runAs(['extract', '.', dest], project, home);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/could not extract b\/f\.txt: EACCES/);
    expect(readdirSync(join(dest, 'a'))).toEqual(['f.txt']);
    expect(readdirSync(join(dest, 'c'))).toEqual(['f.txt']);
    expect(readdirSync(join(dest, 'b'))).toEqual([]); // no temporary left behind
  });

  it('a read-only store: one line, exit 1, nothing changed', () => {
    const { home, project } = setup('dig-ro');
    writeFileSync(join(project, 'a.txt'), 'a');
    expect(runAs(['init'], project, home).code).toBe(0);
    expect(runAs(['add', 'a.txt'], project, home).code).toBe(0);
    expect(runAs(['commit', '-m', 'one'], project, home).code).toBe(0);
    writeFileSync(join(project, 'b.txt'), 'b');
    for (const f of readdirSync(home)) chmodSync(join(home, f), 0o444);
    chmodSync(home, 0o555);
    const before = snapshot(home);
    for (const args of [
      ['add', 'b.txt'],
      ['commit', '-m', 'two'],
    ]) {
      const r = runAs(args, project, home);
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/permission denied|read-only|nothing to commit/);
    }
    expect(snapshot(home)).toEqual(before);
    expect(runAs(['cat', 'a.txt'], project, home).stdout).toBe('a'); // readers still work
    chmodSync(home, 0o755);
  });

  it('a failing write (file-size limit, as a full disk would): one line, store byte-identical and valid', async () => {
    const home = tempDir('dig-full-home-');
    const project = tempDir('dig-full-');
    writeFileSync(join(project, 'small.txt'), 'small');
    await committedStore(project, home, ['small.txt']);
    writeFileSync(join(project, 'big.bin'), prng(1)(3_000_000));
    const before = snapshot(home);
    // ulimit -f in 1 KiB blocks; with SIGXFSZ ignored, writes past the limit fail with EFBIG.
    const script = `ulimit -f 1024; trap '' XFSZ; exec "${process.execPath}" "${CLI}" add big.bin`;
    const r = runTool('sh', ['-c', script], {
      cwd: project,
      env: { ...process.env, DIGSTORE_HOME: home, NO_COLOR: '1' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/file too large/);
    expect(snapshot(home)).toEqual(before);
    expect((await Store.open(project, { home }).check({ deep: true })).ok).toBe(true);
  });
});

describe('two writers at once', () => {
  it('both finish (one waits) or one reports the lock; the store is consistent and no staged file is lost', async () => {
    const home = tempDir('dig-conc-home-');
    const project = tempDir('dig-conc-');
    Store.init(project, { home });
    const rand = prng(77);
    const lib = () => Store.open(project, { home }); // reads and the settling commit: the writers are the subject
    for (let round = 0; round < scaled(1); round++) {
      for (const who of ['a', 'b']) {
        mkdirSync(join(project, who), { recursive: true });
        for (let i = 0; i < 40; i++) writeFileSync(join(project, who, `r${round}-${i}.bin`), rand(20_000));
      }
      const cli = async (args: string[]) => {
        const { code, stderr } = await startCli(args, { cwd: project, home }).done;
        return { code: code ?? -1, stderr };
      };
      const writers = ['a', 'b'].map(async (who) => {
        const add = await cli(['add', '-r', who]);
        const commit = add.code === 0 ? await cli(['commit', '-m', `${who}${round}`]) : add;
        return { who, add: add.code, commit: commit.code, stderr: commit.stderr };
      });
      for (const w of await Promise.all(writers)) {
        // 0 = done; 11 = gave up waiting for the lock; a commit may also find its files already committed
        // by the other writer (one shared staging area, as git's index): "nothing to commit".
        expect([0, 11], `${w.who}: ${w.stderr}`).toContain(w.add);
        if (w.add === 0 && w.commit !== 0)
          expect(w.commit === 11 || /nothing to commit/.test(w.stderr), w.stderr).toBe(true);
        // No staged file lost: every file of a successful add is committed or still staged.
        if (w.add === 0)
          expect(
            lib()
              .status()
              .untracked.filter((p: string) => p.startsWith(`${w.who}/`)),
          ).toEqual([]);
      }
      // Whatever was staged and not yet committed gets committed now; then every file must be stored.
      await lib().addDirectory('.', { recursive: true });
      await lib()
        .commit(`settle${round}`)
        .catch((e) => expect(e.code).toBe('NOTHING_TO_COMMIT'));
      expect((await lib().check({ deep: true })).ok).toBe(true);
      expect(lib().status()).toEqual({ staged: [], modified: [], deleted: [], untracked: [], unreadable: [] });
    }
  });
});
