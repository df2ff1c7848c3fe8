// A set of byte ranges [start, end) kept as one sorted flat array of disjoint, non-adjacent pairs
// ([s0, e0, s1, e1, …]): the archive bytes a lazy clone has not fetched yet. One small array, not one object
// per range, and binary search for the question every chunk read asks ("is any of this missing?").

export type RangeSet = readonly number[];

/** Index of the first pair whose end is after `at` (pairs.length / 2 when none). */
function firstEndingAfter(set: RangeSet, at: number): number {
  let lo = 0;
  let hi = set.length >> 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (set[2 * mid + 1] <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether any byte of [start, end) is in the set. */
export function overlaps(set: RangeSet, start: number, end: number): boolean {
  if (end <= start) return false;
  const i = firstEndingAfter(set, start);
  return 2 * i < set.length && set[2 * i] < end;
}

/** The parts of [start, end) that are in the set, as [start, end) pairs. */
export function intersect(set: RangeSet, start: number, end: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = firstEndingAfter(set, start); 2 * i < set.length && set[2 * i] < end; i++)
    out.push([Math.max(set[2 * i], start), Math.min(set[2 * i + 1], end)]);
  return out;
}

/** The set with [start, end) added (merged with what it touches). */
export function addRange(set: RangeSet, start: number, end: number): number[] {
  if (end <= start) return [...set];
  const out: number[] = [];
  let i = 0;
  for (; 2 * i < set.length && set[2 * i + 1] < start; i++) out.push(set[2 * i], set[2 * i + 1]);
  let s = start;
  let e = end;
  for (; 2 * i < set.length && set[2 * i] <= end; i++) {
    s = Math.min(s, set[2 * i]);
    e = Math.max(e, set[2 * i + 1]);
  }
  out.push(s, e);
  for (; 2 * i < set.length; i++) out.push(set[2 * i], set[2 * i + 1]);
  return out;
}

/** The set without [start, end). */
export function removeRange(set: RangeSet, start: number, end: number): number[] {
  if (end <= start) return [...set];
  const out: number[] = [];
  for (let i = 0; 2 * i < set.length; i++) {
    const [s, e] = [set[2 * i], set[2 * i + 1]];
    if (e <= start || s >= end) out.push(s, e);
    else {
      if (s < start) out.push(s, start);
      if (e > end) out.push(end, e);
    }
  }
  return out;
}

/** Bytes in the set. */
export function rangeBytes(set: RangeSet): number {
  let n = 0;
  for (let i = 0; i < set.length; i += 2) n += set[i + 1] - set[i];
  return n;
}
