// Every decoder of untrusted bytes against seeded mutations of a valid input (1,000 each; × DIGSTORE_TEST_SCALE):
// only typed errors (CorruptDataError for stored data, UsageError for user-written text), never a crash or a
// hang. Half the mutations re-seal the trailing checksum, so the parsers behind the checksum (bounds, counts,
// forged lengths) are exercised too, not only the checksum. How long the slowest call takes is a figure of
// `npm run bench` (scenario k), not an assertion here.
import { describe, expect, it } from 'vitest';
import { scaled } from '../helpers.js';
import { decoderCases, mutate, rng } from '../support/decoder-cases.mjs';

const RUNS = scaled(1000);

describe('decoder fuzzing', () => {
  for (const { name, valid, decode, allowed } of decoderCases()) {
    it(`${name}: ${RUNS} mutations, only typed errors`, () => {
      expect(() => decode(valid)).not.toThrow();
      const r = rng(name.length * 7919 + valid.length);
      let rejected = 0;
      for (let i = 0; i < RUNS; i++) {
        try {
          decode(mutate(valid, r, i % 2 === 1));
        } catch (e) {
          if (!allowed.some((A: new () => Error) => e instanceof A))
            throw new Error(`${name} #${i}: untyped ${(e as Error).stack}`);
          rejected++;
        }
      }
      expect(rejected).toBeGreaterThan(RUNS / 2);
    });
  }
});
