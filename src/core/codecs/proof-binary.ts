// Binary proof (`prove --format binary`): the same content as the JSON document (codecs/proof-json.ts), about
// half the size. Little-endian; hashes raw 32 bytes; a path is a u8 step count then, per step, a position
// byte (0 = sibling on the left, 1 = on the right) and the sibling hash.
//
//  offset  size  field
//  ------  ----  -------------------------------------------------------------------------------
//  0       8     MAGIC "DIGPROOF"
//  8       2     VERSION (1 or 2) — the proof format version, as `version` in JSON
//  10      1     type: 1 = file, 2 = byte_range, 3 = layer
//  11      32    root hash
//  43      32    target hash (file hash, or layer root for a layer proof)
//  75      32    metadata: store ID
//  107     32    metadata: layer root
//  139     4+4+8 metadata: generation, layer number, timestamp (ms)
//  155     …     layer proof:  layer u32, path to the root
//                file/range:   path (u16 + bytes), mode u32 (version 2 only), size u64, chunk root 32, path to the layer root,
//                              path from the layer root to the root; then for a range: start u64, end u64,
//                              chunk count u32, per chunk offset u64, size u32, hash 32, path to the chunk root
//  end-32  32    checksum: SHA-256 of every byte before it
//
// Decoding ends in the same field-by-field validation as the JSON form.
import { ByteReader, ByteWriter } from '../bytes.js';
import { fromHex, toHex } from '../digest.js';
import { CorruptDataError } from '../errors.js';
import { PROOF_VERSION, PROOF_VERSION_NO_MODE, validateProof, type Proof, type ProofStep } from './proof-json.js';
import { finishWithChecksum, magic, readPrologue, verifyChecksum, writePrologue } from './common.js';

export const PROOF_MAGIC = magic('DIGPROOF');
const TYPES = ['file', 'byte_range', 'layer'] as const;

function writeSteps(w: ByteWriter, steps: readonly ProofStep[]): void {
  w.u8(steps.length);
  for (const s of steps) w.u8(s.position === 'left' ? 0 : 1).bytes(fromHex(s.hash));
}

function readSteps(r: ByteReader): ProofStep[] {
  const n = r.u8();
  r.need(n * 33);
  const out: ProofStep[] = [];
  for (let i = 0; i < n; i++) {
    const p = r.u8();
    if (p > 1) throw new CorruptDataError(`${r.what}: bad step position ${p}`);
    out.push({ position: p === 0 ? 'left' : 'right', hash: toHex(r.bytes(32)) });
  }
  return out;
}

export function encodeProofBinary(p: Proof): Buffer {
  const w = new ByteWriter(1024);
  writePrologue(w, PROOF_MAGIC, p.version);
  w.u8(TYPES.indexOf(p.proof_type) + 1)
    .bytes(fromHex(p.root.hash))
    .bytes(fromHex(p.target.hash));
  const m = p.metadata;
  w.bytes(fromHex(m.store_id)).bytes(fromHex(m.layer_root)).u32(m.generation).u32(m.layer_number).u64(m.timestamp);
  if (p.proof_type === 'layer') {
    w.u32(p.target.layer!);
    writeSteps(w, p.proof_path);
    return finishWithChecksum(w);
  }
  w.path16(p.target.path!);
  if (p.version >= 2) w.u32(Number.parseInt(p.target.mode!, 8));
  w.u64(p.target.size!).bytes(fromHex(p.target.chunk_root!));
  writeSteps(w, p.proof_path);
  writeSteps(w, p.layer_path ?? []);
  if (p.proof_type === 'byte_range') {
    w.u64(p.target.byte_range!.start).u64(p.target.byte_range!.end).u32(p.chunks!.length);
    for (const c of p.chunks!) {
      w.u64(c.offset).u32(c.size).bytes(fromHex(c.hash));
      writeSteps(w, c.proof_path);
    }
  }
  return finishWithChecksum(w);
}

export function isBinaryProof(data: Uint8Array): boolean {
  return data.length >= PROOF_MAGIC.length && Buffer.from(data.subarray(0, PROOF_MAGIC.length)).equals(PROOF_MAGIC);
}

export function decodeProofBinary(data: Uint8Array, what = 'proof'): Proof {
  const bodyLen = verifyChecksum(data, what, 155);
  const r = new ByteReader(data, what, 0, bodyLen);
  const version = readPrologue(r, PROOF_MAGIC, PROOF_VERSION, PROOF_VERSION_NO_MODE);
  const type = TYPES[r.u8() - 1];
  if (!type) throw new CorruptDataError(`${what}: unknown proof type`);
  const root = toHex(r.bytes(32));
  const hash = toHex(r.bytes(32));
  const metadata = {
    store_id: toHex(r.bytes(32)),
    layer_root: toHex(r.bytes(32)),
    generation: r.u32(),
    layer_number: r.u32(),
    timestamp: r.u64(),
  };
  const raw: Record<string, unknown> = {
    version,
    proof_type: type,
    root: { type: 'repository', hash: root },
    metadata,
  };
  if (type === 'layer') {
    raw.target = { layer: r.u32(), hash };
    raw.proof_path = readSteps(r);
  } else {
    const path = r.path16();
    const mode = version >= 2 ? r.u32().toString(8) : undefined; // validated with the rest below
    const target: Record<string, unknown> = { path, mode, hash, size: r.u64(), chunk_root: toHex(r.bytes(32)) };
    raw.target = target;
    raw.proof_path = readSteps(r);
    raw.layer_path = readSteps(r);
    if (type === 'byte_range') {
      target.byte_range = { start: r.u64(), end: r.u64() };
      const n = r.count(8 + 4 + 32 + 1);
      const chunks = [];
      for (let i = 0; i < n; i++)
        chunks.push({ offset: r.u64(), size: r.u32(), hash: toHex(r.bytes(32)), proof_path: readSteps(r) });
      raw.chunks = chunks;
    }
  }
  r.expectEnd();
  return validateProof(raw);
}
