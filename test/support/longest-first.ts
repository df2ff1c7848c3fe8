// Test files in order of how long they took in a measured run (test/durations.json, seconds), longest first.
// Vitest does this from its own cache after one run, but a fresh clone (every CI run) has none and orders by
// file size instead: a long file that happens to be small then starts last and the other workers sit idle at
// the end (9 s of a 94 s run, measured). Files not in the list (new ones) go first; vitest's own order breaks
// ties. Refresh the list when the suite changes much: any run's per-file times will do.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const durations: Record<string, number> = JSON.parse(
  readFileSync(new URL('../durations.json', import.meta.url), 'utf8'),
);

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const rank = new Map(base.map((f, i) => [f, i]));
    const seconds = (f: TestSpecification) =>
      durations[relative(f.project.config.root, f.moduleId).split('\\').join('/')] ?? Number.POSITIVE_INFINITY;
    return [...base].sort((a, b) => seconds(b) - seconds(a) || rank.get(a)! - rank.get(b)!);
  }
}
