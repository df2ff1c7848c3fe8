// One-change tamperings of a proof for the conformance vectors (make-proof-vectors.mjs): each hash with one
// bit flipped, each position swapped, sizes and offsets moved, steps and chunks dropped, the layer number
// moved. Each says the verdict it must get ('invalid' unless stated) and whether the data still goes with it.
const flip = (h) => (Number.parseInt(h[0], 16) ^ 1).toString(16) + h.slice(1);
const swap = (s) => {
  s.position = s.position === 'left' ? 'right' : 'left';
};

function steps(out, name, get) {
  return (proof) =>
    get(proof).forEach((_, i) => {
      out.push({ site: `${name}[${i}].hash`, apply: (q) => (get(q)[i].hash = flip(get(q)[i].hash)) });
      out.push({ site: `${name}[${i}].position`, apply: (q) => swap(get(q)[i]) });
    });
}

/** The tamperings that apply to `proof`. */
export function mutations(proof) {
  const out = [];
  const m = (site, apply, extra = {}) => out.push({ site, apply, ...extra });
  m('target.hash', (q) => (q.target.hash = flip(q.target.hash)));
  m('root.hash', (q) => (q.root.hash = flip(q.root.hash)));
  m('metadata.layer_root', (q) => (q.metadata.layer_root = flip(q.metadata.layer_root)));
  steps(out, 'proof_path', (q) => q.proof_path)(proof);
  if (proof.proof_path.length > 0) m('proof_path: last step dropped', (q) => q.proof_path.pop());
  m('proof_path: a step added', (q) => q.proof_path.push({ hash: q.root.hash, position: 'right' }));
  if (proof.proof_type === 'layer') {
    m('target.layer + 1', (q) => (q.target.layer += 1));
    if (proof.target.layer > 1) m('target.layer - 1', (q) => (q.target.layer -= 1));
    return out;
  }
  m('metadata.layer_number - 1', (q) => (q.metadata.layer_number -= 1));
  m('target.size + 1', (q) => (q.target.size += 1), { keepData: proof.proof_type !== 'file' });
  m('target.chunk_root', (q) => (q.target.chunk_root = flip(q.target.chunk_root)));
  m('target.path: another name', (q) => (q.target.path = `${q.target.path}.x`));
  if (proof.target.mode !== undefined)
    m('target.mode', (q) => (q.target.mode = q.target.mode === '100755' ? '100644' : '100755'));
  steps(out, 'layer_path', (q) => q.layer_path)(proof);
  if (proof.proof_type !== 'byte_range') return out;
  const chunks = proof.chunks;
  const last = chunks.at(-1);
  const span = { start: chunks[0].offset, end: last.offset + last.size - 1 };
  m(
    'byte_range moved inside the covering chunks (not bound: the chunks are what is proven)',
    (q) => (q.target.byte_range = span),
    {
      expect: 'valid',
    },
  );
  if (span.end + 1 < proof.target.size)
    m('byte_range reaching past the covering chunks', (q) => (q.target.byte_range.end = span.end + 1), {
      keepData: true,
    });
  chunks.forEach((_, i) => {
    m(`chunks[${i}].hash`, (q) => (q.chunks[i].hash = flip(q.chunks[i].hash)));
    m(`chunks[${i}].offset + 1`, (q) => (q.chunks[i].offset += 1));
    m(`chunks[${i}].size - 1`, (q) => (q.chunks[i].size -= 1));
    steps(out, `chunks[${i}].proof_path`, (q) => q.chunks[i].proof_path)(proof);
  });
  if (chunks.length > 1) {
    m('first covering chunk dropped', (q) => q.chunks.shift(), { keepData: false });
    m('covering chunks swapped', (q) => q.chunks.reverse());
  }
  return out;
}
