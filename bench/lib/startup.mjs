// Scenario m: what every command pays before any work — `digstore --version` against a bare `node -e 0`, in
// alternating runs (20 of each by default), medians. The difference is the CLI's own start-up.
import { measure, median } from './measure.mjs';
import { CLI } from './tools.mjs';

export function startupScenario(rounds = 20) {
  const runs = { digstore: [], node: [] };
  for (let i = 0; i < rounds; i++) {
    runs.digstore.push(measure(process.execPath, [CLI, '--version'], { cwd: process.cwd() }));
    runs.node.push(measure(process.execPath, ['-e', '0'], { cwd: process.cwd() }));
  }
  const [d, n] = [runs.digstore, runs.node].map((ms) => median(ms.map((m) => m.seconds)));
  return [
    { tool: 'digstore --version', seconds: d, rssMB: median(runs.digstore.map((m) => m.rssMB ?? 0)) || null },
    { tool: 'node -e 0', seconds: n, rssMB: median(runs.node.map((m) => m.rssMB ?? 0)) || null },
    { tool: 'difference', seconds: d - n, rssMB: null },
  ];
}
