// The `Range` request header (RFC 9110 §14.2): `bytes=` with one or more `a-b`, `a-`, `-n`. An invalid header
// is ignored (the whole content is sent), as the RFC says; so is a request for many or overlapping ranges,
// which a client has no honest need for and which would let a few bytes of request ask for a lot of work.
export type RangeRequest =
  | { kind: 'all' }
  | { kind: 'unsatisfiable' }
  | { kind: 'ranges'; ranges: Array<{ start: number; end: number }> };

export const MAX_RANGES = 16;

function parseSpec(spec: string, size: number): { start: number; end: number } | 'invalid' | 'outside' {
  const m = /^(\d*)-(\d*)$/.exec(spec.trim());
  if (!m || (m[1] === '' && m[2] === '') || m[1].length > 15 || m[2].length > 15) return 'invalid';
  if (m[1] === '') {
    const n = Number(m[2]);
    return n === 0 || size === 0 ? 'outside' : { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? Number.POSITIVE_INFINITY : Number(m[2]);
  if (end < start) return 'invalid';
  return start >= size ? 'outside' : { start, end: Math.min(end, size - 1) };
}

export function parseRangeHeader(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: 'all' };
  const m = /^bytes=(.*)$/i.exec(header.trim());
  if (!m) return { kind: 'all' };
  const specs = m[1].split(',');
  if (specs.length > MAX_RANGES) return { kind: 'all' };
  const ranges: Array<{ start: number; end: number }> = [];
  for (const s of specs) {
    const r = parseSpec(s, size);
    if (r === 'invalid') return { kind: 'all' };
    if (r !== 'outside') ranges.push(r);
  }
  if (ranges.length === 0) return { kind: 'unsatisfiable' };
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) if (sorted[i].start <= sorted[i - 1].end) return { kind: 'all' };
  return { kind: 'ranges', ranges };
}
