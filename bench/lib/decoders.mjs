// Scenario k: every decoder of untrusted bytes on 10,000 seeded mutations of a valid input (the fuzz test's
// cases, test/support/decoder-cases.mjs): the median and the slowest single call. A hostile input must never
// cost more than a valid one by orders of magnitude; the fuzz test checks the typed errors, this the time.
import { decoderCases, mutate, rng } from '../../test/support/decoder-cases.mjs';

export function decoderTimes(runs) {
  const results = [];
  for (const { name, valid, decode } of decoderCases()) {
    const r = rng(name.length * 7919 + valid.length);
    const ms = [];
    for (let i = 0; i < runs; i++) {
      const input = mutate(valid, r, i % 2 === 1);
      const t = performance.now();
      try {
        decode(input);
      } catch {
        // typed rejections are the fuzz test's business
      }
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    const median = ms[Math.floor(ms.length / 2)];
    results.push({
      label: `decode ${name}: slowest of ${runs} mutations`,
      ms: ms.at(-1),
      note: `median ${median.toFixed(3)} ms`,
    });
  }
  return results;
}
