// Every decoder against 10,000 seeded mutations of a valid input: only typed errors (CorruptDataError for
// stored data, UsageError for user-written TOML), never a crash, a hang or a huge allocation, each call
// well under 100 ms. Half the mutations re-seal the trailing checksum, so the parsers behind the checksum
// (bounds, counts, forged lengths) are exercised too, not only the checksum.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptDataError, UsageError } from '../../src/core/errors.js';
import { sha256 } from '../../src/core/digest.js';
import { decodeLayer, encodeLayer } from '../../src/core/codecs/layer-codec.js';
import { decodeLayerIndex, encodeLayerIndex } from '../../src/core/codecs/layer-index-codec.js';
import { decodeSuperblock, encodeSuperblock, pickSuperblock } from '../../src/core/codecs/superblock-codec.js';
import { decodeStaging, encodeStaging } from '../../src/core/codecs/staging-codec.js';
import { decodeChunkIndex, encodeChunkIndex } from '../../src/core/codecs/chunk-index-codec.js';
import { decodeStatCache, encodeStatCache } from '../../src/core/codecs/stat-cache-codec.js';
import { decodeLink, encodeLink } from '../../src/store/project.js';
import { applyToml, chunkingParams, DEFAULTS, type Config } from '../../src/store/config.js';
import { Archive } from '../../src/store/archive.js';
import type { ChunkRef } from '../../src/core/types.js';
import { decodeProof, encodeProof, type Proof } from '../../src/core/proof-json.js';
import { verifyProof } from '../../src/core/verify-proof.js';
import { decodeProofBinary, encodeProofBinary } from '../../src/core/codecs/proof-codec.js';
import { parseTarget } from '../../src/core/urn.js';

const RUNS = 10_000;
const h = (s: string) => sha256(Buffer.from(s));
const ref = (s: string, offset: number, length: number): ChunkRef => ({ hash: h(s), offset, length, storedLength: length, codec: 0 });

function rng(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}

/** One mutation of `input`: flips, overwrites, truncation, insertion, forged u32 lengths; maybe re-sealed. */
function mutate(input: Buffer, r: ReturnType<typeof rng>, sealed: boolean): Buffer {
  let b = Buffer.from(input);
  const kind = r.int(5);
  if (kind === 0) for (let k = 1 + r.int(4); k > 0; k--) b[r.int(b.length)] ^= 1 << r.int(8);
  else if (kind === 1) for (let k = 1 + r.int(8); k > 0; k--) b[r.int(b.length)] = r.int(256);
  else if (kind === 2) b = b.subarray(0, r.int(b.length));
  else if (kind === 3) {
    const at = r.int(b.length);
    b = Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: 1 + r.int(16) }, () => r.int(256))), b.subarray(at)]);
  } else if (b.length >= 4) b.writeUInt32LE([0xffffffff, 0x7fffffff, 0x10000, r.int(2 ** 32)][r.int(4)], r.int(b.length - 3));
  if (sealed && b.length > 32) {
    const body = b.subarray(0, b.length - 32);
    b = Buffer.concat([body, sha256(body)]);
  }
  return b;
}

function fuzz(name: string, valid: Buffer, decode: (b: Buffer) => unknown, allowed: Array<new (...a: never[]) => Error>, runs = RUNS): void {
  it(`${name}: ${runs} mutations, only typed errors, each call < 100 ms`, () => {
    expect(() => decode(valid)).not.toThrow();
    const r = rng(name.length * 7919 + valid.length);
    let rejected = 0, slowest = 0;
    for (let i = 0; i < runs; i++) {
      const input = mutate(valid, r, i % 2 === 1);
      const t = performance.now();
      try {
        decode(input);
      } catch (e) {
        if (!allowed.some((A) => e instanceof A)) throw new Error(`${name} #${i}: untyped ${(e as Error).stack}`);
        rejected++;
      }
      slowest = Math.max(slowest, performance.now() - t);
    }
    expect(slowest).toBeLessThan(100);
    expect(rejected).toBeGreaterThan(runs / 2);
  });
}

const params = chunkingParams(structuredClone(DEFAULTS) as Config);
const files = ['a', 'b/c', 'd e/ü'].map((p, i) => ({
  path: p, mode: 0o100644, size: 300 * i, hash: h(p), chunkRoot: h(`r${p}`), chunks: i ? [ref(`c${i}`, 256, 300 * i)] : [],
}));
const layer = encodeLayer({
  type: 'full', number: 1, timestamp: 1_700_000_000_000, dataOffset: 256, dataLength: 900, message: 'm', author: 'a', params, files,
  chunkIndex: [ref('c1', 256, 300), ref('c2', 556, 600)], parentRoot: h('p'), layerRoot: h('l'), storeRoot: h('s'),
});

describe('decoder fuzzing', () => {
  fuzz('layer', layer, decodeLayer, [CorruptDataError]);
  fuzz('layer index', encodeLayerIndex([1, 2, 3].map((n) => ({
    number: n, type: 'full' as const, recordOffset: 1000 * n, recordLength: 500, dataOffset: 256, dataLength: 10, timestamp: n,
    layerRoot: h(`l${n}`), storeRoot: h(`s${n}`), recordChecksum: h(`c${n}`),
  }))), decodeLayerIndex, [CorruptDataError]);
  fuzz('superblock', encodeSuperblock({ storeId: h('id'), seq: 3, committedLength: 5000, indexOffset: 4000, indexLength: 600, createdAt: 1 }),
    (b) => decodeSuperblock(b), [CorruptDataError]);
  fuzz('superblock pair', Buffer.concat([
    encodeSuperblock({ storeId: h('id'), seq: 3, committedLength: 5000, indexOffset: 4000, indexLength: 600, createdAt: 1 }),
    encodeSuperblock({ storeId: h('id'), seq: 4, committedLength: 6000, indexOffset: 5000, indexLength: 700, createdAt: 1 }),
  ]), (b) => pickSuperblock(b.length === 256 ? b : Buffer.concat([b, Buffer.alloc(256)]).subarray(0, 256)), [CorruptDataError]);
  fuzz('staging', encodeStaging({
    baseSeq: 1, dataStart: 1000, dataEnd: 1300, newChunks: [ref('n', 1000, 300)],
    entries: files.map((f) => ({ ...f, stat: { mtimeMs: 1.5, ctimeMs: 2.5, ino: 3 } })),
  }), decodeStaging, [CorruptDataError]);
  fuzz('chunk index', encodeChunkIndex(2, 5000, ['x', 'y', 'z'].map((s, i) => ref(s, 300 + i, 1)).sort((a, b) => Buffer.compare(a.hash, b.hash))),
    decodeChunkIndex, [CorruptDataError]);
  fuzz('stat cache', encodeStatCache(files.map((f) => ({ path: f.path, size: f.size, mtimeMs: 1, ctimeMs: 2, ino: 3, hash: f.hash }))),
    decodeStatCache, [CorruptDataError]);
  fuzz('.digstore link (TOML)', Buffer.from(encodeLink({ version: 1, store_id: 'ab'.repeat(32), repository_name: 'r', created_at: 'now' })),
    (b) => decodeLink(b.toString('utf8'), '.digstore'), [CorruptDataError]);
  fuzz('config (TOML)', Buffer.from('[small_files]\nbatch_size = 100\nchunk_avg = 8192\n[performance]\nworkers = 2\n[user]\nname = "x"\n'),
    (b) => applyToml(structuredClone(DEFAULTS) as Config, b.toString('utf8'), 'config.toml'), [UsageError]);

  const hx = (x: string) => Buffer.from(h(x)).toString('hex');
  const proof: Proof = {
    version: 1, proof_type: 'byte_range',
    target: { path: 'd/ü.bin', hash: hx('f'), size: 9000, chunk_root: hx('cr'), byte_range: { start: 10, end: 5000 } },
    root: { type: 'repository', hash: hx('root') },
    proof_path: [{ hash: hx('s1'), position: 'left' }, { hash: hx('s2'), position: 'right' }],
    layer_path: [{ hash: hx('l1'), position: 'left' }],
    chunks: [0, 4096].map((offset, i) => ({ offset, size: 4096, hash: hx(`c${i}`), proof_path: [{ hash: hx(`p${i}`), position: i ? 'left' : 'right' }] })),
    metadata: { store_id: hx('id'), generation: 2, layer_number: 2, layer_root: hx('lr'), timestamp: 1 },
  };
  // A proof is hostile input: decoded and then verified, only CorruptDataError may come out (verify never throws).
  fuzz('proof JSON', Buffer.from(encodeProof(proof)), (b) => verifyProof(decodeProof(b.toString('utf8'))), [CorruptDataError]);
  fuzz('proof (binary)', encodeProofBinary(proof), (b) => verifyProof(decodeProofBinary(b)), [CorruptDataError]);
  fuzz('URN', Buffer.from(`urn:dig:chia:${hx('id')}:${hx('r')}/a%20b/c.txt#bytes=10-200`), (b) => parseTarget(b.toString('utf8')), [UsageError]);

  // The whole archive file, opened and read as a reader would: every layer decoded, every chunk verified.
  const dir = mkdtempSync(join(tmpdir(), 'dig-fuzz-'));
  const archivePath = join(dir, 'a.dig');
  Archive.create(archivePath, h('id'), 1);
  const data = Buffer.alloc(900, 7);
  const rec = encodeLayer({
    type: 'full', number: 1, timestamp: 1, dataOffset: 256, dataLength: 900, message: 'm', author: '', params,
    files: [{ path: 'f', mode: 0o100644, size: 900, hash: sha256(data), chunkRoot: h('r'), chunks: [{ hash: sha256(data), offset: 256, length: 900, storedLength: 900, codec: 0 }] }],
    chunkIndex: [{ hash: sha256(data), offset: 256, length: 900, storedLength: 900, codec: 0 }], parentRoot: h('p'), layerRoot: h('l'), storeRoot: h('s'),
  });
  const fd = openSync(archivePath, 'r+');
  writeSync(fd, data, 0, data.length, 256); // the chunk data, right after the two superblock slots
  closeSync(fd);
  Archive.commit(archivePath, 256 + 900, rec, {
    number: 1, type: 'full', dataOffset: 256, dataLength: 900, timestamp: 1, layerRoot: h('l'), storeRoot: h('s'), recordChecksum: rec.subarray(rec.length - 32),
  }).close();
  const validArchive = readFileSync(archivePath);
  rmSync(dir, { recursive: true, force: true });
  fuzz('archive file', validArchive, (b) => {
    const d = mkdtempSync(join(tmpdir(), 'dig-fuzz-a-'));
    try {
      writeFileSync(join(d, 'a.dig'), b);
      const a = Archive.open(join(d, 'a.dig'));
      try {
        for (const e of a.layers) for (const c of a.readLayer(e.number).chunkIndex) a.readChunk(c);
      } finally {
        a.close();
      }
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  }, [CorruptDataError]);
});
