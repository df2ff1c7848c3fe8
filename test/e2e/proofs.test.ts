// Proofs through the CLI: prove a file and a byte range, verify them somewhere with no store at all, older
// roots keep verifying after new commits, get --verify, and check --deep names the layer a flipped byte hits.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../dist/index.js';
import { Archive } from '../../dist/store/archive.js';
import { cleanupTempDirs, prng, run, tempDir } from '../helpers.js';

afterAll(cleanupTempDirs);

const rand = prng(77);
const home = tempDir('dig-pe-home-');
const project = tempDir('dig-pe-');
const big = rand(3_000_000);
mkdirSync(join(project, 'dir'));
writeFileSync(join(project, 'small.txt'), 'hello proofs\n');
writeFileSync(join(project, 'big.bin'), big);
writeFileSync(join(project, 'dir', 'ünï côdé.txt'), rand(9000));
const dig = (...args: string[]) => run(args, { cwd: project, home });
let root1 = '';

describe('prove and verify (spawned CLI)', () => {
  it('proofs of a file and a byte range verify offline, with the data, in a directory with no store', () => {
    expect(dig('init').code).toBe(0);
    expect(dig('add', '-A').code).toBe(0);
    root1 = dig('commit', '-m', 'one').stdout.trim();
    expect(dig('prove', 'small.txt', '-o', 'p-file.json').code).toBe(0);
    expect(dig('prove', 'big.bin', '--bytes', '1000000-1099999', '-o', 'p-range.json').code).toBe(0);
    const range = JSON.parse(readFileSync(join(project, 'p-range.json'), 'utf8'));
    expect(range.proof_type).toBe('byte_range');
    expect(range.root.hash).toBe(root1);
    const first = range.chunks[0].offset;
    const last = range.chunks.at(-1).offset + range.chunks.at(-1).size - 1;
    const span = dig('cat', `/big.bin#bytes=${first}-${last}`);
    expect(span.code).toBe(0);
    expect(span.stdoutBuf.equals(big.subarray(first, last + 1))).toBe(true);

    const away = tempDir('dig-pe-away-');
    const emptyHome = tempDir('dig-pe-empty-');
    copyFileSync(join(project, 'p-file.json'), join(away, 'p-file.json'));
    copyFileSync(join(project, 'p-range.json'), join(away, 'p-range.json'));
    copyFileSync(join(project, 'small.txt'), join(away, 'small.txt'));
    writeFileSync(join(away, 'span.bin'), span.stdoutBuf);
    const v = (...args: string[]) => run(['verify', ...args], { cwd: away, home: emptyHome });
    const ok1 = v('p-file.json', '--data', 'small.txt', '--root', root1);
    expect(ok1.code, ok1.stderr).toBe(0);
    expect(ok1.stdout).toMatch(
      /^valid: 'small.txt' \(\d+ bytes, generation 1\) is in root [0-9a-f]{64} \(data checked\)/,
    );
    const ok2 = v('p-range.json', '--data', 'span.bin', '--root', root1);
    expect(ok2.code, ok2.stderr).toBe(0);
    // The binary form carries the same proof, smaller, and verifies the same way.
    expect(dig('prove', 'big.bin', '--bytes', '1000000-1099999', '--format', 'binary', '-o', 'p-range.bin').code).toBe(
      0,
    );
    copyFileSync(join(project, 'p-range.bin'), join(away, 'p-range.bin'));
    expect(readFileSync(join(away, 'p-range.bin')).length).toBeLessThan(
      readFileSync(join(away, 'p-range.json')).length / 2,
    );
    // (that it verifies like the JSON form: the conformance vectors, through this same CLI)
    expect(dig('prove', 'small.txt', '--format', 'xml').code).toBe(2);

    // One changed byte, in either data file: integrity exit code, one line naming the failed hash.
    writeFileSync(join(away, 'small.txt'), 'hello proofz\n');
    const bad1 = v('p-file.json', '--data', 'small.txt', '--root', root1);
    expect(bad1.code).toBe(5);
    expect(bad1.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad1.stderr).toMatch(/data hashes to [0-9a-f]{64}, not to the file hash/);
    const b = Buffer.from(span.stdoutBuf);
    b[12345] ^= 0x10;
    writeFileSync(join(away, 'span.bin'), b);
    const bad2 = v('p-range.json', '--data', 'span.bin', '--root', root1);
    expect(bad2.code).toBe(5);
    expect(bad2.stderr).toMatch(/not to the chunk hash/);
    // Only the range itself is not enough for a range proof: the message says which bytes to give.
    writeFileSync(join(away, 'range.bin'), big.subarray(1000000, 1100000));
    const partial = v('p-range.json', '--data', 'range.bin');
    expect(partial.code).toBe(5);
    expect(partial.stderr).toContain(`give bytes ${first}-${last}`);
    // (Tampered proofs: 155 conformance vectors, through this same verifier.)
    writeFileSync(join(away, 'junk.json'), '{"version":1,"proof_type":"file"');
    const junk = v('junk.json');
    expect(junk.code).toBe(5);
    expect(junk.stderr).toMatch(/not valid JSON/);
  });

  it('a proof made at an older root still verifies against it after more commits, and not against the new root', () => {
    writeFileSync(join(project, 'small.txt'), 'changed\n');
    dig('add', 'small.txt');
    const root2 = dig('commit', '-m', 'two').stdout.trim();
    expect(root2).not.toBe(root1);
    expect(dig('verify', 'p-file.json', '--root', root1).code).toBe(0);
    const stale = dig('verify', 'p-file.json', '--root', root2);
    expect(stale.code).toBe(5);
    expect(stale.stderr).toContain(`is for root ${root1}`);
    // Proving at the old root after the fact gives the same statement.
    expect(dig('prove', 'small.txt', '--at', root1.slice(0, 12), '-o', 'p-old.json').code).toBe(0);
    expect(JSON.parse(readFileSync(join(project, 'p-old.json'), 'utf8')).root.hash).toBe(root1);
    expect(dig('verify', 'p-old.json', '--root', root1, '--data', 'small.txt').code).toBe(5); // small.txt changed since
    expect(dig('verify', 'p-old.json', '--root', root1).code).toBe(0);
    // A new proof at the latest root verifies the new content.
    expect(dig('prove', 'small.txt', '-o', 'p-new.json').code).toBe(0);
    expect(dig('verify', 'p-new.json', '--root', root2, '--data', 'small.txt').code).toBe(0);
  });

  it('layer proofs; --json on prove and verify; usage errors', () => {
    const p = dig('prove', '--layer', '1', '-o', 'p-layer.json');
    expect(p.code, p.stderr).toBe(0);
    const j = JSON.parse(dig('verify', 'p-layer.json', '--json').stdout);
    expect(j).toMatchObject({ valid: true, proofType: 'layer' });
    const pj = JSON.parse(dig('prove', 'dir/ünï côdé.txt', '--json').stdout);
    expect(pj).toMatchObject({ version: 2, proof_type: 'file', target: { path: 'dir/ünï côdé.txt', mode: '100644' } });
    expect(dig('prove', '--layer', '9').code).toBe(4);
    expect(dig('prove', 'nope.txt').code).toBe(4);
    expect(dig('prove').code).toBe(2);
    expect(dig('verify', 'missing.json').code).toBe(4);
    expect(dig('verify', 'p-layer.json', '--root', 'abc').code).toBe(2);
  });

  it('get --verify proves the file against the root before writing it', () => {
    const r = dig('get', 'big.bin', '--verify', '-o', 'out.bin');
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(project, 'out.bin')).equals(big)).toBe(true);
    const c = dig('cat', 'big.bin', '--verify', '--bytes', '-100');
    expect(c.stdoutBuf.equals(big.subarray(big.length - 100))).toBe(true);
  });
});

describe('check --deep names the damaged layer', () => {
  const archivePath = () => {
    const storeId = readFileSync(join(project, '.digstore'), 'utf8').match(/[0-9a-f]{64}/)![0];
    const a = Archive.open(join(home, `${storeId}.dig`));
    const info = { path: a.path, layers: a.layers.map((l) => ({ ...l })) };
    a.close();
    return info;
  };

  it('a healthy store passes', () => {
    expect(dig('check', '--deep').code).toBe(0);
  });

  for (const where of ['layer header', 'file index', 'chunk data', 'layer footer', 'layer index', 'superblock']) {
    it(`one flipped byte in the ${where}: exit 5`, async () => {
      const { path, layers } = archivePath();
      const l = layers[0];
      const orig = readFileSync(path);
      const at = {
        'layer header': l.recordOffset + 14,
        // The section table at +48 holds (offset, length) pairs: the file index is the second.
        'file index': l.recordOffset + orig.readUInt32LE(l.recordOffset + 56) + 10,
        'chunk data': l.dataOffset + 5000,
        'layer footer': l.recordOffset + l.recordLength - 3,
        'layer index': layers[1].recordOffset + layers[1].recordLength + 20,
        superblock: 40,
      }[where]!;
      const bad = Buffer.from(orig);
      bad[at] ^= 0x04;
      writeFileSync(path, bad);
      try {
        // The CLI where the store does not open or the wording matters; the library's check (what it prints) else.
        if (where === 'chunk data' || where === 'superblock' || where === 'layer index') {
          const r = dig('check', '--deep');
          expect(r.code, r.stdout).toBe(5);
          if (where === 'chunk data') expect(r.stdout).toMatch(/^layer 1: .*\n(.|\n)*(big\.bin|small\.txt|côdé)/m);
        } else {
          const r = await Store.open(project, { home }).check({ deep: true });
          expect(r.ok).toBe(false);
          expect(r.problems[0].layer).toBe(1);
        }
      } finally {
        writeFileSync(path, orig);
      }
    });
  }
});
