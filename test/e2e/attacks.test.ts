// Hostile stores and destinations: a crafted layer naming paths outside the project, `get -o` onto a
// symlink, and Ctrl-C in the middle of an add.
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Archive } from '../../dist/store/archive.js';
import { encodeLayer } from '../../dist/core/codecs/layer-codec.js';
import { chunkingParams, DEFAULTS } from '../../dist/store/config.js';
import { sha256 } from '../../dist/core/digest.js';
import { Store } from '../../dist/index.js';
import { CLI, cleanupTempDirs, committedStore, prng, run, runTool, snapshot, startCli, tempDir } from '../helpers.js';

afterAll(cleanupTempDirs);

/** A store whose only layer names `paths` — checksums all valid, so only path validation can stop it. */
function craftedStore(paths: string[]): { home: string; project: string } {
  const home = tempDir('dig-atk-home-');
  // The project sits alone in a directory of its own, so "nothing appeared next to it" is checkable even
  // while other tests create and remove directories in the system temp directory.
  const project = join(tempDir('dig-atk-parent-'), 'project');
  mkdirSync(project);
  const id = Buffer.from(sha256(Buffer.from('attack'))).toString('hex');
  const archive = join(home, `${id}.dig`);
  Archive.create(archive, Buffer.from(id, 'hex'), 1);
  const data = Buffer.from('pwned\n');
  const chunk = { hash: sha256(data), offset: 256, length: data.length, storedLength: data.length, codec: 0 };
  writeFileSync(archive, Buffer.concat([readFileSync(archive), data]));
  const rec = encodeLayer({
    type: 'full',
    number: 1,
    timestamp: 1,
    dataOffset: 256,
    dataLength: data.length,
    message: 'evil',
    author: '',
    params: chunkingParams(structuredClone(DEFAULTS)),
    files: paths.map((p) => ({
      path: p,
      mode: 0o100644,
      size: data.length,
      hash: sha256(data),
      chunkRoot: sha256(data),
      chunks: [chunk],
    })),
    chunkIndex: [chunk],
    parentRoot: new Uint8Array(32),
    layerRoot: new Uint8Array(32),
    storeRoot: new Uint8Array(32),
  });
  Archive.commit(archive, 256 + data.length, rec, {
    number: 1,
    type: 'full',
    dataOffset: 256,
    dataLength: data.length,
    timestamp: 1,
    layerRoot: new Uint8Array(32),
    storeRoot: new Uint8Array(32),
    recordChecksum: rec.subarray(rec.length - 32),
  }).close();
  writeFileSync(join(project, '.digstore'), `version = 1\nstore_id = "${id}"\n`);
  return { home, project };
}

describe('path attacks', () => {
  it('a crafted layer naming ../evil or /etc/x is rejected as corrupt by every command that reads file entries; nothing is written outside', async () => {
    // Every command that reads file entries on the first forged path; the decoder they share on the others.
    const all = [
      ['cat', 'ok.txt'],
      ['get', 'ok.txt', '-o', 'out.txt'],
      ['find', '*'],
      ['status'],
      ['extract', '.', 'x'],
    ];
    for (const [i, bad] of ['../evil', '/tmp/digstore-evil', 'a/../../evil', 'a/./evil'].entries()) {
      const { home, project } = craftedStore(['ok.txt', bad]);
      const outside = join(project, '..');
      const before = readdirSync(outside);
      for (const args of i === 0 ? all : all.slice(0, 1)) {
        const r = run(args, { cwd: project, home });
        expect(r.code, `${bad} ${args.join(' ')}: ${r.stderr}`).toBe(5);
        expect(r.stderr).toMatch(/invalid stored path/);
      }
      if (i === 0) expect(run(['check'], { cwd: project, home }).code).toBe(5);
      else expect((await Store.open(project, { home }).check()).ok).toBe(false); // what check prints
      expect(readdirSync(outside)).toEqual(before);
      expect(existsSync('/tmp/digstore-evil')).toBe(false);
      expect(existsSync(join(project, 'out.txt'))).toBe(false);
    }
  });

  it('get -o onto a symlink replaces the link, never writes through it', async () => {
    const home = tempDir('dig-sym-home-');
    const project = tempDir('dig-sym-');
    const victim = join(tempDir('dig-victim-'), 'precious.txt');
    writeFileSync(victim, 'keep me');
    writeFileSync(join(project, 'a.txt'), 'stored');
    await committedStore(project, home, ['a.txt']);
    symlinkSync(victim, join(project, 'link.txt'));
    expect(run(['get', 'a.txt', '-o', 'link.txt'], { cwd: project, home }).code).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(lstatSync(join(project, 'link.txt')).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(project, 'link.txt'), 'utf8')).toBe('stored');
  });
});

describe('interrupts', () => {
  it('Ctrl-C (SIGINT) during add stops it: exit 130, store byte-identical', async () => {
    const home = tempDir('dig-int-home-');
    const project = tempDir('dig-int-');
    const rand = prng(8);
    mkdirSync(join(project, 'd'));
    for (let i = 0; i < 1000; i++) writeFileSync(join(project, 'd', `f${i}`), rand(3000));
    writeFileSync(join(project, 'big.bin'), rand(20_000_000));
    Store.init(project, { home });
    const before = snapshot(home);
    // Signal only once the add is really at work (its first progress line), never while Node is starting up.
    const child = startCli(['add', '-A', '--progress'], { cwd: project, home });
    await child.stderrMatches(/files, /);
    child.kill('SIGINT');
    const { code, stderr } = await child.done;
    expect(stderr).toMatch(/files, /);
    expect(code).toBe(130);
    expect(snapshot(home)).toEqual(before);
  });
});

describe('endless input', () => {
  // The CLI imported into a Node that reports its own peak RSS on exit (getrusage of this process).
  const measured = `process.on('exit', () => process.stderr.write('\\nmaxRSS=' + process.resourceUsage().maxRSS + '\\n'));
process.argv = [process.argv[0], ${JSON.stringify(CLI)}, ...process.argv.slice(1)];
await import(process.argv[1]);`;

  for (const [what, redirect] of [
    ['stdin', '- < /dev/zero'],
    ['a device', '/dev/zero'],
  ]) {
    // Bounded, not small: read whole, an endless input would take all memory; capped, the process stays near
    // Node's own ~50 MB plus the 16 MiB cap (66 MB measured idle, up to ~112 MB while two other suites run).
    it(`verify of an endless ${what} stops with a clear error, under 150 MB RSS`, () => {
      const r = runTool(
        'sh',
        ['-c', `exec "${process.execPath}" --input-type=module -e "$0" verify ${redirect}`, measured],
        { cwd: tempDir('dig-endless-') },
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/gives more than 16 MiB: no proof is that large/);
      const rssKb = Number(/maxRSS=(\d+)/.exec(r.stderr)![1]);
      expect(rssKb).toBeLessThan(150 * 1024);
    });
  }
});
