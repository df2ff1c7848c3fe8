// Remotes through the CLI (file:/// for now): remote add/list, push, clone into a new home, pull, an
// up-to-date push, a pusher that lost (exit 7, "pull first"), and URLs that are refused.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, committedStore, run, tempDir } from '../helpers.js';

afterAll(cleanupTempDirs);

describe('push, pull, clone (CLI)', () => {
  it('a store travels through a file:/// remote; a pusher that lost is told to pull first', async () => {
    const [homeA, homeB] = [tempDir('dig-rc-ha-'), tempDir('dig-rc-hb-')];
    const a = tempDir('dig-rc-a-');
    const url = pathToFileURL(tempDir('dig-rc-remote-')).href;
    writeFileSync(join(a, 'x.txt'), 'one');
    await committedStore(a, homeA, ['x.txt']);
    const inA = (...args: string[]) => run(args, { cwd: a, home: homeA });
    expect(inA('remote', 'add', 'origin', url).code).toBe(0);
    expect(inA('remote', 'list').stdout).toBe(`origin\t${url}\n`);
    const pushed = JSON.parse(inA('push', '--json').stdout);
    expect(pushed).toMatchObject({ pushed: true, fromGeneration: 0, toGeneration: 1 });

    const parent = tempDir('dig-rc-parent-');
    const cloned = run(['clone', url, 'b'], { cwd: parent, home: homeB });
    expect(cloned.code, cloned.stderr).toBe(0);
    const b = join(parent, 'b');
    const inB = (...args: string[]) => run(args, { cwd: b, home: homeB });
    expect(inB('cat', 'x.txt').stdout).toBe('one');

    // A commits and pushes; B pulls it.
    const commitIn = (dig: typeof inA, dir: string, file: string, text: string) => {
      writeFileSync(join(dir, file), text);
      dig('add', file);
      return dig('commit', '-m', text);
    };
    commitIn(inA, a, 'x.txt', 'two');
    expect(inA('push').code).toBe(0);
    expect(inB('pull').stdout).toMatch(/^pulled generations 2-2 from /);
    expect(inB('cat', 'x.txt').stdout).toBe('two');
    // Both commit on that head; A pushes first: B's push lost, and B is told to pull first.
    commitIn(inA, a, 'z.txt', 'three');
    expect(inA('push').code).toBe(0);
    writeFileSync(join(b, 'y.txt'), 'mine');
    inB('add', 'y.txt');
    inB('commit', '-m', 'b');
    const lost = inB('push');
    expect([lost.code, lost.stderr]).toEqual([7, expect.stringMatching(/pull first/)]);
    expect(inA('push').stdout).toMatch(/up to date/);
    expect(inA('remote', 'add', 'x', 'https://user:secret@example.org/b').code).toBe(2);
  });
});
