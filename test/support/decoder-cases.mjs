// The decoders digstore runs on untrusted bytes, each with one valid input: shared by the fuzz test
// (test/unit/fuzz.test.ts: only typed errors) and bench scenario k (how long the slowest call takes).
// Plain JavaScript over the built dist/, so `npm run bench` can load it without a TypeScript step.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptDataError, UsageError } from '../../dist/core/errors.js';
import { sha256 } from '../../dist/core/digest.js';
import { encodeLayer } from '../../dist/core/codecs/layer-codec.js';
import { decodeLayer } from '../../dist/core/codecs/layer-view.js';
import { decodeLayerIndex, encodeLayerIndex } from '../../dist/core/codecs/layer-index-codec.js';
import { decodeSuperblock, encodeSuperblock, pickSuperblock } from '../../dist/core/codecs/superblock-codec.js';
import { decodeStaging, encodeStaging } from '../../dist/core/codecs/staging-codec.js';
import { StagedRecords } from '../../dist/core/codecs/staged-records.js';
import { ChunkRefTable } from '../../dist/core/codecs/chunk-ref-table.js';
import { CHUNK_RUNS, decodeRun, encodeRun } from '../../dist/core/codecs/sorted-runs-codec.js';
import { sortedRecords } from '../../dist/store/chunk-index.js';
import { decodeStatCache, encodeStatCache } from '../../dist/core/codecs/stat-cache-codec.js';
import { decodeLink, encodeLink } from '../../dist/store/project.js';
import { applyToml, chunkingParams, DEFAULTS } from '../../dist/store/config.js';
import { Archive } from '../../dist/store/archive.js';
import { decodeProof, encodeProof } from '../../dist/core/codecs/proof-codec.js';
import { verifyProof } from '../../dist/core/verify-proof.js';
import { decodeProofBinary, encodeProofBinary } from '../../dist/core/codecs/proof-codec.js';
import { parseTarget } from '../../dist/core/urn.js';

export { CorruptDataError, UsageError };

const h = (s) => sha256(Buffer.from(s));
const ref = (s, offset, length) => ({ hash: h(s), offset, length, storedLength: length, codec: 0 });

/** Seeded xorshift32 in [0, 1) and integers below n. */
export function rng(seed) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}

/** One mutation of `input`: flips, overwrites, truncation, insertion, forged u32 lengths; maybe re-sealed. */
export function mutate(input, r, sealed) {
  let b = Buffer.from(input);
  const kind = r.int(5);
  if (kind === 0) for (let k = 1 + r.int(4); k > 0; k--) b[r.int(b.length)] ^= 1 << r.int(8);
  else if (kind === 1) for (let k = 1 + r.int(8); k > 0; k--) b[r.int(b.length)] = r.int(256);
  else if (kind === 2) b = b.subarray(0, r.int(b.length));
  else if (kind === 3) {
    const at = r.int(b.length);
    b = Buffer.concat([
      b.subarray(0, at),
      Buffer.from(Array.from({ length: 1 + r.int(16) }, () => r.int(256))),
      b.subarray(at),
    ]);
  } else if (b.length >= 4)
    b.writeUInt32LE([0xffffffff, 0x7fffffff, 0x10000, r.int(2 ** 32)][r.int(4)], r.int(b.length - 3));
  if (sealed && b.length > 32) {
    const body = b.subarray(0, b.length - 32);
    b = Buffer.concat([body, sha256(body)]);
  }
  return b;
}

/** A valid archive file of one layer and one chunk, made in a temp dir and read back as bytes. */
function validArchive(params) {
  const dir = mkdtempSync(join(tmpdir(), 'dig-fuzz-'));
  try {
    const archivePath = join(dir, 'a.dig');
    Archive.create(archivePath, h('id'), 1);
    const data = Buffer.alloc(900, 7);
    const chunk = { hash: sha256(data), offset: 256, length: 900, storedLength: 900, codec: 0 };
    const rec = encodeLayer({
      type: 'full',
      number: 1,
      timestamp: 1,
      dataOffset: 256,
      dataLength: 900,
      message: 'm',
      author: '',
      params,
      files: [{ path: 'f', mode: 0o100644, size: 900, hash: sha256(data), chunkRoot: h('r'), chunks: [chunk] }],
      chunkIndex: [chunk],
      parentRoot: h('p'),
      layerRoot: h('l'),
      storeRoot: h('s'),
    });
    const fd = openSync(archivePath, 'r+');
    writeSync(fd, data, 0, data.length, 256); // the chunk data, right after the two superblock slots
    closeSync(fd);
    const entry = {
      number: 1,
      type: 'full',
      dataOffset: 256,
      dataLength: 900,
      timestamp: 1,
      layerRoot: h('l'),
      storeRoot: h('s'),
    };
    Archive.commit(archivePath, 256 + 900, rec, { ...entry, recordChecksum: rec.subarray(rec.length - 32) }).close();
    return readFileSync(archivePath);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The whole archive file, opened and read as a reader would: every layer decoded, every chunk verified. */
function openArchive(b) {
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
}

function sampleProof() {
  const hx = (x) => Buffer.from(h(x)).toString('hex');
  return {
    version: 1,
    proof_type: 'byte_range',
    target: { path: 'd/ü.bin', hash: hx('f'), size: 9000, chunk_root: hx('cr'), byte_range: { start: 10, end: 5000 } },
    root: { type: 'repository', hash: hx('root') },
    proof_path: [
      { hash: hx('s1'), position: 'left' },
      { hash: hx('s2'), position: 'right' },
    ],
    layer_path: [{ hash: hx('l1'), position: 'left' }],
    chunks: [0, 4096].map((offset, i) => ({
      offset,
      size: 4096,
      hash: hx(`c${i}`),
      proof_path: [{ hash: hx(`p${i}`), position: i ? 'left' : 'right' }],
    })),
    metadata: { store_id: hx('id'), generation: 2, layer_number: 2, layer_root: hx('lr'), timestamp: 1 },
  };
}

/**
 * Every decoder of untrusted bytes: `{ name, valid, decode, allowed }`, where `allowed` lists the only error
 * classes `decode` may throw on a mutated input (CorruptDataError for stored data, UsageError for what a user types).
 */
export function decoderCases() {
  const params = chunkingParams(structuredClone(DEFAULTS));
  const files = ['a', 'b/c', 'd e/ü'].map((p, i) => ({
    path: p,
    mode: 0o100644,
    size: 300 * i,
    hash: h(p),
    chunkRoot: h(`r${p}`),
    chunks: i ? [ref(`c${i}`, 256, 300 * i)] : [],
  }));
  const superblock = (seq, len) =>
    encodeSuperblock({
      storeId: h('id'),
      seq,
      committedLength: len,
      indexOffset: len - 1000,
      indexLength: 600,
      createdAt: 1,
    });
  const layerEntries = [1, 2, 3].map((n) => ({
    number: n,
    type: 'full',
    recordOffset: 1000 * n,
    recordLength: 500,
    dataOffset: 256,
    dataLength: 10,
    timestamp: n,
    layerRoot: h(`l${n}`),
    storeRoot: h(`s${n}`),
    recordChecksum: h(`c${n}`),
  }));
  const hx = (x) => Buffer.from(h(x)).toString('hex');
  const proof = sampleProof();
  const corrupt = [CorruptDataError];
  return [
    {
      name: 'layer',
      allowed: corrupt,
      decode: decodeLayer,
      valid: encodeLayer({
        type: 'full',
        number: 1,
        timestamp: 1_700_000_000_000,
        dataOffset: 256,
        dataLength: 900,
        message: 'm',
        author: 'a',
        params,
        files,
        chunkIndex: [ref('c1', 256, 300), ref('c2', 556, 600)],
        parentRoot: h('p'),
        layerRoot: h('l'),
        storeRoot: h('s'),
      }),
    },
    {
      name: 'layer index',
      allowed: corrupt,
      decode: decodeLayerIndex,
      valid: encodeLayerIndex({ count: 3, peaks: [h('p1'), h('p2')], levels: [], entries: layerEntries }),
    },
    { name: 'superblock', allowed: corrupt, decode: (b) => decodeSuperblock(b), valid: superblock(3, 5000) },
    {
      name: 'superblock pair',
      allowed: corrupt,
      valid: Buffer.concat([superblock(3, 5000), superblock(4, 6000)]),
      decode: (b) => pickSuperblock(b.length === 256 ? b : Buffer.concat([b, Buffer.alloc(256)]).subarray(0, 256)),
    },
    {
      name: 'staging',
      allowed: corrupt,
      decode: decodeStaging,
      valid: encodeStaging({
        baseSeq: 1,
        dataStart: 1000,
        dataEnd: 1300,
        newChunks: ChunkRefTable.of([ref('n', 1000, 300)]),
        entries: StagedRecords.of(files.map((f) => ({ ...f, stat: { mtimeMs: 1.5, ctimeMs: 2.5, ino: 3 } }))),
      }),
    },
    {
      name: 'chunk index',
      allowed: corrupt,
      decode: (b) => decodeRun(CHUNK_RUNS, b, 0),
      valid: encodeRun(
        CHUNK_RUNS,
        { from: 1, seq: 2, committedLength: 5000, recordChecksum: h('c2') },
        sortedRecords(['x', 'y', 'z'].map((s, i) => ref(s, 300 + i, 1))).records,
      ),
    },
    {
      name: 'stat cache',
      allowed: corrupt,
      decode: decodeStatCache,
      valid: encodeStatCache(
        files.map((f) => ({ path: f.path, size: f.size, mtimeMs: 1, ctimeMs: 2, ino: 3, hash: f.hash })),
      ),
    },
    {
      name: '.digstore link (TOML)',
      allowed: corrupt,
      decode: (b) => decodeLink(b.toString('utf8'), '.digstore'),
      valid: Buffer.from(
        encodeLink({ version: 1, store_id: 'ab'.repeat(32), repository_name: 'r', created_at: 'now' }),
      ),
    },
    {
      name: 'config (TOML)',
      allowed: [UsageError],
      decode: (b) => applyToml(structuredClone(DEFAULTS), b.toString('utf8'), 'config.toml'),
      valid: Buffer.from(
        '[small_files]\nbatch_size = 100\nchunk_avg = 8192\n[performance]\nworkers = 2\n[user]\nname = "x"\n',
      ),
    },
    // A proof is hostile input: decoded and then verified, only CorruptDataError may come out (verify never throws).
    {
      name: 'proof JSON',
      allowed: corrupt,
      decode: (b) => verifyProof(decodeProof(b.toString('utf8'))),
      valid: Buffer.from(encodeProof(proof)),
    },
    {
      name: 'proof (binary)',
      allowed: corrupt,
      decode: (b) => verifyProof(decodeProofBinary(b)),
      valid: encodeProofBinary(proof),
    },
    {
      name: 'URN',
      allowed: [UsageError],
      decode: (b) => parseTarget(b.toString('utf8')),
      valid: Buffer.from(`urn:dig:chia:${hx('id')}:${hx('r')}/a%20b/c.txt#bytes=10-200`),
    },
    { name: 'archive file', allowed: corrupt, decode: openArchive, valid: validArchive(params) },
  ];
}
