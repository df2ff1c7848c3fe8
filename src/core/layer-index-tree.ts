// The layer index as a tree of records (format: codecs/layer-index-codec.ts, version 3), so that a commit
// writes O(1) index bytes and finding any layer reads O(log n) records, whatever the history length.
//
// A record holds runs by level: level 0 the newest 1..F entries, level L ≥ 1 up to F pointers, each to an
// older record whose level L-1 run is full (F items, F^L layers). Each commit writes one record from the
// previous one: its entry joins level 0; when the previous record's level 0 run was full, a pointer to that
// record goes up to level 1 instead and level 0 starts again — and when level 1 was full too, the pointer
// starts level 1 again and another pointer to the same record goes up to level 2, and so on (a carry). A
// record copies at most F entries and F pointers per level, so each is a few KB at most.
import {
  encodeLayerIndex,
  INDEX_FANOUT as F,
  type IndexLocation,
  type IndexTreeState,
  type LayerIndexEntry,
  type LayerIndexRecord,
} from './codecs/layer-index-codec.js';
import { CorruptDataError } from './errors.js';
import { appendLeaf } from './merkle-frontier.js';
import { leafHash } from './merkle.js';

/** The state after `entry` (layer prev.count + 1) is added to `prev`, the record at `prevAt`. */
export function nextIndexState(
  prev: IndexTreeState | undefined,
  prevAt: IndexLocation | undefined,
  entry: LayerIndexEntry,
): IndexTreeState {
  const count = (prev?.count ?? 0) + 1;
  const peaks = appendLeaf(prev?.peaks ?? [], count - 1, leafHash(entry.layerRoot));
  if (!prev) return { count, peaks, levels: [], entries: [entry] };
  const levels = prev.levels.map((l) => l.slice());
  if (prev.entries.length < F) return { count, peaks, levels, entries: [...prev.entries, entry] };
  if (!prevAt) throw new Error('nextIndexState: a record with a full run needs its location');
  // Carry: prev's full run at level L-1 becomes a pointer at level L, for as long as level L was full too.
  for (let L = 1; ; L++) {
    if (levels.length < L) levels.push([]);
    const full = levels[L - 1].length === F;
    if (!full) {
      levels[L - 1].push(prevAt);
      break;
    }
    levels[L - 1] = [prevAt];
  }
  return { count, peaks, levels, entries: [entry] };
}

/** Run K of a record: its entries (K = 0) or its level K pointers. */
const run = (r: IndexTreeState, K: number): readonly unknown[] => (K === 0 ? r.entries : (r.levels[K - 1] ?? []));

/** The first layer run K of `r` covers: the runs above it come first. */
function runStart(r: IndexTreeState, K: number): number {
  let s = 1;
  for (let M = r.levels.length; M > K; M--) s += r.levels[M - 1].length * F ** M;
  return s;
}

/** Reads a record: a generator yields where, and gets the decoded record back (sync or async drivers). */
export type IndexWalk = Generator<IndexLocation, void, LayerIndexRecord>;

/**
 * Visits the entries of layers from..to (oldest first) of the tree whose head record `head` is at `at`,
 * reading only the records that cover them. Every record read is checked to be the one its pointer promises.
 */
export function* walkIndex(
  head: LayerIndexRecord,
  at: IndexLocation,
  from: number,
  to: number,
  visit: (e: LayerIndexEntry) => void,
): IndexWalk {
  for (let K = head.levels.length; K >= 0; K--) yield* walkRun(head, at, K, runStart(head, K), from, to, visit);
}

function* walkRun(
  r: LayerIndexRecord,
  at: IndexLocation,
  K: number,
  start: number,
  from: number,
  to: number,
  visit: (e: LayerIndexEntry) => void,
): IndexWalk {
  if (K === 0) {
    for (const e of r.entries) if (e.number >= from && e.number <= to) visit(e);
    return;
  }
  const span = F ** K;
  const pointers = r.levels[K - 1];
  for (let i = 0; i < pointers.length; i++) {
    const s = start + i * span;
    if (s > to || s + span - 1 < from) continue;
    const p = pointers[i];
    if (p.offset + p.length > at.offset) throw new CorruptDataError('layer index: a pointer does not point back');
    const child = yield p;
    if (child.version !== 3 || run(child, K - 1).length !== F || runStart(child, K - 1) !== s)
      throw new CorruptDataError(`layer index: the record at ${p.offset} is not the one its pointer names`);
    yield* walkRun(child, p, K - 1, s, from, to, visit);
  }
}

/**
 * Visits the entries of layers after `from` (oldest first) of a head record of either version: a version 3
 * tree (walkIndex), or a version 2 tail with the full version 2 index it names, read only when it holds some
 * of them (it must lie before the tail and list exactly the layers before it).
 */
export function* walkAfter(
  head: LayerIndexRecord,
  at: IndexLocation,
  from: number,
  visit: (e: LayerIndexEntry) => void,
): IndexWalk {
  if (head.version === 3) return yield* walkIndex(head, at, from + 1, head.count, visit);
  if (head.base && head.first > from + 1) {
    if (head.base.offset + head.base.length > at.offset)
      throw new CorruptDataError('layer index: base index out of range');
    const base = yield head.base;
    if (base.version !== 2 || base.base || base.entries.length !== head.first - 1)
      throw new CorruptDataError('layer index: base index does not match');
    for (const e of base.entries) if (e.number > from) visit(e);
  }
  for (const e of head.entries) if (e.number > from) visit(e);
}

/** Runs a walk with a synchronous reader. */
export function walkSync(walk: IndexWalk, read: (at: IndexLocation) => LayerIndexRecord): void {
  let step = walk.next();
  while (!step.done) step = walk.next(read(step.value));
}

/** Runs a walk with an asynchronous reader (a remote). */
export async function walkAsync(walk: IndexWalk, read: (at: IndexLocation) => Promise<LayerIndexRecord>) {
  let step = walk.next();
  while (!step.done) step = walk.next(await read(step.value));
}

/**
 * Index records for `entries` (layers 1..n) written from offset `at` in one go (gc, compaction, a relocating
 * import, the first commit on a version 2 index): the records n commits would have written, but only those a
 * later record points to (every F-th: a full level 0 run) and the last, the head.
 */
export function buildIndex(entries: readonly LayerIndexEntry[], at: number): { parts: Buffer[]; head: IndexLocation } {
  const parts: Buffer[] = [];
  let state: IndexTreeState | undefined;
  let stateAt: IndexLocation | undefined;
  let pos = at;
  let head: IndexLocation = { offset: at, length: 0 };
  entries.forEach((e, i) => {
    state = nextIndexState(state, stateAt, e);
    if (state.entries.length === F || i === entries.length - 1) {
      const bytes = encodeLayerIndex(state);
      parts.push(bytes);
      head = { offset: pos, length: bytes.length };
      stateAt = head;
      pos += bytes.length;
    }
  });
  return { parts, head };
}
