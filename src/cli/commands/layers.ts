// `layers`, `info` and `inspect`: what the archive holds, layer by layer.
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { openStore, output } from '../context.js';
import { formatBytes } from '../output.js';

function layerNumber(v: string): number {
  if (!/^[1-9]\d*$/.test(v)) throw new UsageError(`a layer number is a positive whole number, not '${v}'`);
  return Number(v);
}

export function registerLayers(program: Command): void {
  program
    .command('layers')
    .description('list the layers of the store')
    .option('--size', 'show data and record sizes')
    .option('--full', 'only full layers')
    .option('--delta', 'only delta layers')
    .action((opts: { size?: boolean; full?: boolean; delta?: boolean }, cmd: Command) => {
      const out = output(cmd);
      const all = openStore()
        .layers()
        .filter(
          (l) => (!opts.full && !opts.delta) || (opts.full && l.type === 'full') || (opts.delta && l.type === 'delta'),
        );
      out.result(
        all.map(
          (l) =>
            `layer ${l.number}  ${l.type.padEnd(5)}  ${l.entries} entries  ${l.files} files  ${l.chunks} new chunks` +
            (opts.size ? `  data ${formatBytes(l.dataBytes)}  record ${formatBytes(l.recordBytes)}` : '') +
            `  root ${l.root.slice(0, 12)}`,
        ),
        all,
      );
    });
  program
    .command('info')
    .description('about the store (or, with --layer, one layer)')
    .option('--layer <n>', 'show one layer')
    .action((opts: { layer?: string }, cmd: Command) => {
      const out = output(cmd);
      const store = openStore();
      if (opts.layer !== undefined) {
        const l = store.inspect(layerNumber(opts.layer));
        out.result(
          [
            `layer ${l.number} (${l.type})`,
            `root       ${l.root}`,
            `layer root ${l.layerRoot}`,
            `time       ${new Date(l.timestamp).toISOString()}`,
            `entries    ${l.entries}`,
            `files      ${l.files}`,
            `new chunks ${l.chunks} (${formatBytes(l.dataBytes)})`,
            `message    ${l.message.split('\n')[0]}`,
          ],
          l,
        );
        return;
      }
      const i = store.info();
      const rows: Array<[string, string | number]> = [
        ['store', i.storeId],
        ['project', i.project ?? '(none)'],
        ['archive', `${i.archive} (${formatBytes(i.archiveBytes)})`],
        ['created', i.createdAt],
        ['generations', i.generations],
        ['root', i.root ?? '(no commits yet)'],
        ['files', i.files],
        ['staged', i.staged],
      ];
      out.result(
        rows.map(([k, v]) => `${k.padEnd(12)}${v}`),
        i,
      );
    });
  program
    .command('inspect')
    .description('every header field of a layer, its sections and checksum status')
    .argument('<layer>', 'layer number')
    .action((layer: string, _opts: unknown, cmd: Command) => {
      const out = output(cmd);
      const l = openStore().inspect(layerNumber(layer));
      out.result(
        [
          `layer        ${l.number}`,
          `type         ${l.type}`,
          `timestamp    ${l.timestamp} (${new Date(l.timestamp).toISOString()})`,
          `parent root  ${l.parentRoot}`,
          `layer root   ${l.layerRoot}`,
          `root         ${l.root}`,
          `entries      ${l.entries} (of ${l.files} files in the generation)`,
          `chunks       ${l.chunks} new, data at ${l.dataOffset} (${l.dataBytes} B)`,
          `record       at ${l.recordOffset} (${l.recordBytes} B)`,
          `block roots  ${l.blockRoots}`,
          ...l.sections.map((s) => `section      ${s.name.padEnd(12)} offset ${s.offset} length ${s.length}`),
          `checksum     ${l.checksum}`,
        ],
        l,
      );
    });
}
