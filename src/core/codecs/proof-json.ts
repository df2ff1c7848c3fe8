// Proof documents (docs/proofs.md): the shape, canonical JSON encoding, and a strict decoder that treats a
// proof as hostile input — every field type-checked and bounded before anything is hashed, so a forged proof
// gets a CorruptDataError, never a crash, a hang or a huge allocation.
import { CorruptDataError } from '../errors.js';
import { checkDecodedPath } from '../paths.js';

/** Version 2 binds the file's mode (target.mode); version 1 proofs, of format-2 layers, have none. */
export const PROOF_VERSION = 2;
export const PROOF_VERSION_NO_MODE = 1;
/** The modes a file entry can have (git's): regular, executable, symbolic link. */
export const PROOF_MODES = ['100644', '100755', '120000'] as const;
/** Deeper than any tree we can build (2^64 leaves); bounds the work a forged path can ask for. */
const MAX_PATH_STEPS = 64;
const MAX_CHUNKS = 1_000_000;

export type ProofType = 'file' | 'byte_range' | 'layer';

export interface ProofStep {
  hash: string;
  position: 'left' | 'right';
}

export interface ChunkProof {
  offset: number;
  size: number;
  hash: string;
  proof_path: ProofStep[];
}

export interface ProofTarget {
  path?: string;
  /** Octal, as git writes it: '100644', '100755' or '120000' (a symbolic link). Version 2 file/range proofs. */
  mode?: string;
  /** File hash (file, byte_range) or layer root (layer). */
  hash: string;
  size?: number;
  chunk_root?: string;
  /** Inclusive, as in HTTP ranges. */
  byte_range?: { start: number; end: number };
  layer?: number;
}

export interface Proof {
  version: number;
  proof_type: ProofType;
  target: ProofTarget;
  root: { type: 'repository'; hash: string };
  /** file/byte_range: file leaf → layer root; layer: layer leaf → root. */
  proof_path: ProofStep[];
  /** file/byte_range: layer leaf → root. */
  layer_path?: ProofStep[];
  /** byte_range: the chunks covering the range, in file order, each with its path to the chunk root. */
  chunks?: ChunkProof[];
  metadata: { store_id: string; generation: number; layer_number: number; layer_root: string; timestamp: number };
}

/** Canonical text: fixed key order, lowercase hex, two-space indent, trailing newline. */
export function encodeProof(p: Proof): string {
  const steps = (s: ProofStep[]) => s.map((x) => ({ hash: x.hash, position: x.position }));
  const t = p.target;
  const target = {
    ...(t.path !== undefined && { path: t.path }),
    ...(t.layer !== undefined && { layer: t.layer }),
    ...(t.mode !== undefined && { mode: t.mode }),
    hash: t.hash,
    ...(t.size !== undefined && { size: t.size }),
    ...(t.chunk_root !== undefined && { chunk_root: t.chunk_root }),
    ...(t.byte_range && { byte_range: { start: t.byte_range.start, end: t.byte_range.end } }),
  };
  const doc = {
    version: p.version,
    proof_type: p.proof_type,
    target,
    root: { type: p.root.type, hash: p.root.hash },
    proof_path: steps(p.proof_path),
    ...(p.layer_path && { layer_path: steps(p.layer_path) }),
    ...(p.chunks && {
      chunks: p.chunks.map((c) => ({ offset: c.offset, size: c.size, hash: c.hash, proof_path: steps(c.proof_path) })),
    }),
    metadata: {
      store_id: p.metadata.store_id,
      generation: p.metadata.generation,
      layer_number: p.metadata.layer_number,
      layer_root: p.metadata.layer_root,
      timestamp: p.metadata.timestamp,
    },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export const PROOF_HINT = 'the proof is damaged, or not a digstore proof';

function bad(where: string, what: string): never {
  throw new CorruptDataError(`proof: ${where} ${what}`, PROOF_HINT);
}

function obj(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(where, 'must be an object');
  return v as Record<string, unknown>;
}

function hex32(v: unknown, where: string): string {
  if (typeof v !== 'string' || !/^[0-9a-f]{64}$/.test(v)) bad(where, 'must be 64 lowercase hex characters');
  return v;
}

function uint(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) bad(where, 'must be a non-negative integer');
  return v;
}

function steps(v: unknown, where: string): ProofStep[] {
  if (!Array.isArray(v)) bad(where, 'must be a list');
  if (v.length > MAX_PATH_STEPS) bad(where, `has more than ${MAX_PATH_STEPS} steps`);
  return v.map((s, i) => {
    const o = obj(s, `${where}[${i}]`);
    if (o.position !== 'left' && o.position !== 'right') bad(`${where}[${i}].position`, "must be 'left' or 'right'");
    return { hash: hex32(o.hash, `${where}[${i}].hash`), position: o.position };
  });
}

function decodeTarget(v: unknown, type: ProofType, version: number): ProofTarget {
  const o = obj(v, 'target');
  const t: ProofTarget = { hash: hex32(o.hash, 'target.hash') };
  if (type === 'layer') {
    t.layer = uint(o.layer, 'target.layer');
    return t;
  }
  if (typeof o.path !== 'string') bad('target.path', 'must be a string');
  t.path = checkDecodedPath(o.path, 'proof target');
  if (version >= 2) {
    if (!PROOF_MODES.includes(o.mode as (typeof PROOF_MODES)[number]))
      bad('target.mode', `must be one of ${PROOF_MODES.join(', ')}`);
    t.mode = o.mode as string;
  } else if (o.mode !== undefined) bad('target.mode', 'is not part of a version 1 proof');
  t.size = uint(o.size, 'target.size');
  t.chunk_root = hex32(o.chunk_root, 'target.chunk_root');
  if (type === 'byte_range') {
    const r = obj(o.byte_range, 'target.byte_range');
    t.byte_range = { start: uint(r.start, 'target.byte_range.start'), end: uint(r.end, 'target.byte_range.end') };
  }
  return t;
}

/** Parses and validates a proof document; structural checks only (verifyProof does the hashing). */
export function decodeProof(text: string): Proof {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CorruptDataError(`proof: not valid JSON (${(e as Error).message.replace(/\s+/g, ' ')})`, PROOF_HINT);
  }
  return validateProof(raw);
}

/** Checks a proof-shaped value field by field (the JSON and the binary decoders both end here). */
export function validateProof(raw: unknown): Proof {
  const o = obj(raw, 'document');
  if (o.version !== PROOF_VERSION && o.version !== PROOF_VERSION_NO_MODE)
    bad('version', `must be ${PROOF_VERSION_NO_MODE} or ${PROOF_VERSION} (the proof versions this digstore reads)`);
  const version = o.version;
  const type = o.proof_type;
  if (type !== 'file' && type !== 'byte_range' && type !== 'layer')
    bad('proof_type', "must be 'file', 'byte_range' or 'layer'");
  const root = obj(o.root, 'root');
  if (root.type !== 'repository') bad('root.type', "must be 'repository'");
  const m = obj(o.metadata, 'metadata');
  if (typeof m.store_id !== 'string' || !/^[0-9a-f]{64}$/.test(m.store_id))
    bad('metadata.store_id', 'must be 64 lowercase hex characters');
  const proof: Proof = {
    version,
    proof_type: type,
    target: decodeTarget(o.target, type, version),
    root: { type: 'repository', hash: hex32(root.hash, 'root.hash') },
    proof_path: steps(o.proof_path, 'proof_path'),
    metadata: {
      store_id: m.store_id,
      generation: uint(m.generation, 'metadata.generation'),
      layer_number: uint(m.layer_number, 'metadata.layer_number'),
      layer_root: hex32(m.layer_root, 'metadata.layer_root'),
      timestamp: uint(m.timestamp, 'metadata.timestamp'),
    },
  };
  if (type !== 'layer') proof.layer_path = steps(o.layer_path, 'layer_path');
  if (type === 'byte_range') {
    if (!Array.isArray(o.chunks) || o.chunks.length === 0) bad('chunks', 'must be a non-empty list');
    if (o.chunks.length > MAX_CHUNKS) bad('chunks', `has more than ${MAX_CHUNKS} entries`);
    proof.chunks = o.chunks.map((c: unknown, i: number) => {
      const co = obj(c, `chunks[${i}]`);
      return {
        offset: uint(co.offset, `chunks[${i}].offset`),
        size: uint(co.size, `chunks[${i}].size`),
        hash: hex32(co.hash, `chunks[${i}].hash`),
        proof_path: steps(co.proof_path, `chunks[${i}].proof_path`),
      };
    });
  }
  return proof;
}
