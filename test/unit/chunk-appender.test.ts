import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChunkAppender } from '../../src/store/chunk-appender.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function archiveFile(committed: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'dig-appender-'));
  dirs.push(dir);
  const path = join(dir, 'a.dig');
  writeFileSync(path, committed);
  return path;
}

describe('ChunkAppender', () => {
  it('lays copied and borrowed chunks out in the order they were appended, at the offsets it returned', async () => {
    const head = Buffer.from('committed');
    const path = archiveFile(head);
    const out = new ChunkAppender(path, head.length, head.length);
    const slab = Buffer.from('AAAABBBBCCCC');
    const offsets = [
      out.append(Buffer.from('copied-1|')),
      out.borrow(slab.subarray(0, 4)),
      out.borrow(slab.subarray(4, 8)), // adjacent in the slab: one write with the one before
      out.borrow(Buffer.from('other|')),
      out.append(Buffer.from('copied-2|')), // after borrowed ones: they are written first
      out.borrow(slab.subarray(8, 12)),
    ];
    const released = out.flushBorrowed();
    await released;
    const end = await out.finish();
    const file = readFileSync(path);
    expect(file.toString()).toBe('committedcopied-1|AAAABBBBother|copied-2|CCCC');
    expect(end).toBe(file.length);
    const at = (s: string) => file.indexOf(s);
    expect(offsets).toEqual([at('copied-1|'), at('AAAA'), at('BBBB'), at('other|'), at('copied-2|'), at('CCCC')]);
  });

  it('drops what an abandoned run appended, borrowed or copied', async () => {
    const head = Buffer.from('keep');
    const path = archiveFile(head);
    const out = new ChunkAppender(path, head.length, head.length);
    out.borrow(Buffer.alloc(1000, 1));
    void out.flushBorrowed();
    out.append(Buffer.alloc(5 << 20, 2)); // more than one copy buffer: some of it is in flight
    await out.abort();
    expect(readFileSync(path).toString()).toBe('keep');
  });
});
