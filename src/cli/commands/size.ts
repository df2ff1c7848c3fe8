// `size` and `stats`: what the store costs, and what it holds.
import type { Command } from 'commander';
import { openStore, output } from '../context.js';
import { formatBytes } from '../output.js';

export function registerSize(program: Command): void {
  program
    .command('size')
    .description('logical bytes (what the generations hold) against stored bytes, and the dedup savings')
    .action((_opts: unknown, cmd: Command) => {
      const out = output(cmd);
      const s = openStore().size();
      out.result(
        [
          `latest generation  ${formatBytes(s.logicalLatest)}`,
          `all generations    ${formatBytes(s.logicalAllGenerations)}`,
          `stored chunk data  ${formatBytes(s.storedData)}`,
          `stored metadata    ${formatBytes(s.storedMetadata)}`,
          `archive            ${formatBytes(s.archiveBytes)}`,
          `dedup savings      ${(s.dedupSavings * 100).toFixed(1)}%`,
          `compression saves  ${(s.compressionSavings * 100).toFixed(1)}% (chunks ${formatBytes(s.chunkBytes)} uncompressed)`,
        ],
        s,
      );
    });
  program
    .command('stats')
    .description('files, chunks, chunk size distribution, dedup ratio')
    .action((_opts: unknown, cmd: Command) => {
      const out = output(cmd);
      const s = openStore().stats();
      out.result(
        [
          `generations  ${s.generations}`,
          `files        ${s.files} (${formatBytes(s.bytes)})`,
          `chunks       ${s.chunks} distinct (${formatBytes(s.chunkBytes)})`,
          `chunk size   min ${formatBytes(s.chunkSize.min)}, avg ${formatBytes(s.chunkSize.avg)}, max ${formatBytes(s.chunkSize.max)}`,
          `dedup ratio  ${s.dedupRatio.toFixed(2)} (chunk references per distinct chunk, latest generation)`,
          ...Object.entries(s.histogram).map(([bound, n]) => `  <= ${formatBytes(Number(bound)).padEnd(10)} ${n}`),
        ],
        s,
      );
    });
}
