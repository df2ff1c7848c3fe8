// Offline proof verification: recomputes from the target up to the root with nothing but the proof (and,
// when given, the data and the root the verifier trusts). Pure: no store, no I/O.
//
// What is bound by hashes: the target's path, size, file hash and chunk root (file leaf); each covering
// chunk's offset, size and hash (chunk leaf); every step of every path; the layer root and the root.
// Metadata other than `layer_root` (store ID, generation, layer number, time) is informational.
import { equalBytes, fromHex, sha256, toHex } from './digest.js';
import { leafHash } from './merkle.js';
import { leafIndexFromPath, rootFromPath, type PathStep } from './merkle-path.js';
import type { Proof, ProofStep } from './codecs/proof-codec.js';
import { chunkLeaf, fileLeaf } from './roots.js';

export interface VerifyOptions {
  /** The root hash the verifier trusts (hex); without it the proof's own root is used. */
  root?: string;
  /** The expected target hash: the file hash (file, byte_range) or the layer root (layer). */
  target?: string;
  /** file: the whole file; byte_range: the bytes of the covering chunks (`dataRange`). */
  data?: Uint8Array | ByteSource;
}

/** Data too large to hold in memory (a file on disk): its size, and SHA-256 of any span of it. */
export interface ByteSource {
  size: number;
  sha256(start: number, length: number): Uint8Array;
}

const memorySource = (b: Uint8Array): ByteSource => ({
  size: b.length,
  sha256: (s, n) => sha256(b.subarray(s, s + n)),
});

export interface VerifyResult {
  valid: boolean;
  /** Why it failed: which check, which hash. */
  reason?: string;
  proofType: Proof['proof_type'];
  root: string;
  /** Whether `root` was given by the caller (otherwise only the proof's internal consistency is shown). */
  rootTrusted: boolean;
  dataChecked: boolean;
  /** byte_range: the span the proof binds — its covering chunks (the requested range is not itself bound). */
  proven?: { start: number; end: number };
}

const toSteps = (s: readonly ProofStep[]): PathStep[] =>
  s.map((x) => ({ hash: fromHex(x.hash), position: x.position }));

/** Inclusive byte span of the chunks a byte-range proof covers: what `--data` must hold. */
export function dataRange(p: Proof): { start: number; end: number } | undefined {
  if (p.proof_type !== 'byte_range' || !p.chunks?.length) return undefined;
  const last = p.chunks[p.chunks.length - 1];
  return { start: p.chunks[0].offset, end: last.offset + last.size - 1 };
}

/**
 * Layer n is leaf n-1 of the store tree over the generation's `metadata.generation` layer roots; the path's
 * shape fixes which leaf it starts from, so a layer number that does not match its path is refused.
 */
function checkLayerPosition(steps: readonly ProofStep[], layer: number, generation: number): string | undefined {
  const index = leafIndexFromPath(
    steps.map((s) => s.position),
    generation,
  );
  if (index === undefined) return `the layer path does not fit a store of ${generation} layers`;
  return index + 1 === layer ? undefined : `the layer path starts at layer ${index + 1}, not at layer ${layer}`;
}

/** Returns the first failed check's description, or undefined when everything holds. */
function check(p: Proof, opts: VerifyOptions): string | undefined {
  if (opts.root !== undefined && opts.root !== p.root.hash)
    return `the proof is for root ${p.root.hash}, not ${opts.root}`;
  if (opts.target !== undefined && opts.target !== p.target.hash)
    return `the proof is for target ${p.target.hash}, not ${opts.target}`;
  const root = fromHex(p.root.hash);
  const generation = p.metadata.generation;
  if (p.proof_type === 'layer') {
    if (p.target.hash !== p.metadata.layer_root) return 'target hash differs from metadata.layer_root';
    const misplaced = checkLayerPosition(p.proof_path, p.target.layer!, generation);
    if (misplaced) return misplaced;
    const got = rootFromPath(leafHash(fromHex(p.target.hash)), toSteps(p.proof_path));
    return equalBytes(got, root) ? undefined : `layer path leads to ${toHex(got)}, not to the root ${p.root.hash}`;
  }
  // A file is proven in the generation's own layer: the last leaf of the store tree.
  if (p.metadata.layer_number !== generation)
    return `a file proof's layer (${p.metadata.layer_number}) must be its generation's (${generation})`;
  const misplaced = checkLayerPosition(p.layer_path ?? [], generation, generation);
  if (misplaced) return misplaced;
  const t = p.target;
  // A version 2 proof binds the mode into the leaf (format 3 layers); version 1 is a format-2 layer's leaf.
  const mode = t.mode === undefined ? 0 : Number.parseInt(t.mode, 8);
  const leaf = fileLeaf(
    { path: t.path!, mode, size: t.size!, hash: fromHex(t.hash), chunkRoot: fromHex(t.chunk_root!) },
    t.mode !== undefined,
  );
  const layerRoot = rootFromPath(leaf, toSteps(p.proof_path));
  if (toHex(layerRoot) !== p.metadata.layer_root)
    return `file path leads to ${toHex(layerRoot)}, not to the layer root ${p.metadata.layer_root}`;
  const got = rootFromPath(leafHash(layerRoot), toSteps(p.layer_path ?? []));
  if (!equalBytes(got, root)) return `layer path leads to ${toHex(got)}, not to the root ${p.root.hash}`;
  if (p.proof_type === 'byte_range') return checkRange(p, opts.data);
  if (opts.data) {
    const data = opts.data instanceof Uint8Array ? memorySource(opts.data) : opts.data;
    if (data.size !== t.size) return `data is ${data.size} bytes, the file is ${t.size}`;
    const h = toHex(data.sha256(0, data.size));
    if (h !== t.hash) return `data hashes to ${h}, not to the file hash ${t.hash}`;
  }
  return undefined;
}

function checkRange(p: Proof, source: Uint8Array | ByteSource | undefined): string | undefined {
  const { start, end } = p.target.byte_range!;
  const size = p.target.size!;
  const chunks = p.chunks!;
  if (start > end || end >= size) return `byte range ${start}-${end} is not inside the file (${size} bytes)`;
  const chunkRoot = fromHex(p.target.chunk_root!);
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i];
    if (c.size === 0 || c.offset + c.size > size) return `chunk ${i} (${c.offset}+${c.size}) is not inside the file`;
    if (i > 0 && chunks[i - 1].offset + chunks[i - 1].size !== c.offset)
      return `chunks ${i - 1} and ${i} are not contiguous`;
    const got = rootFromPath(chunkLeaf(c.offset, c.size, fromHex(c.hash)), toSteps(c.proof_path));
    if (!equalBytes(got, chunkRoot))
      return `chunk ${i} (hash ${c.hash}) does not lead to the chunk root ${p.target.chunk_root}`;
  }
  const span = dataRange(p)!;
  if (span.start > start || span.end < end)
    return `chunks cover ${span.start}-${span.end}, not the range ${start}-${end}`;
  if (!source) return undefined;
  const data = source instanceof Uint8Array ? memorySource(source) : source;
  const want = span.end - span.start + 1;
  if (data.size !== want) {
    return `data is ${data.size} bytes; a byte-range proof checks whole chunks: give bytes ${span.start}-${span.end} (${want} bytes)`;
  }
  for (const c of chunks) {
    const h = toHex(data.sha256(c.offset - span.start, c.size));
    if (h !== c.hash)
      return `data at ${c.offset}-${c.offset + c.size - 1} hashes to ${h}, not to the chunk hash ${c.hash}`;
  }
  return undefined;
}

/** Verifies a decoded proof; never throws for a proof that does not hold, it says why instead. */
export function verifyProof(proof: Proof, opts: VerifyOptions = {}): VerifyResult {
  const reason = check(proof, opts);
  const proven = reason === undefined ? dataRange(proof) : undefined;
  return {
    valid: reason === undefined,
    ...(reason !== undefined && { reason }),
    ...(proven && { proven }),
    proofType: proof.proof_type,
    root: proof.root.hash,
    rootTrusted: opts.root !== undefined,
    dataChecked: opts.data !== undefined,
  };
}
