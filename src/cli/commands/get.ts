import { resolve } from 'node:path';
import type { Command } from 'commander';
import { toHex } from '../../core/digest.js';
import type { GetOptions } from '../../api/options.js';
import { Store } from '../../api/store.js';
import type { StoredFile } from '../../api/store-reader.js';
import { decodePath, quoteName } from '../../core/path-bytes.js';
import { MODE_LINK } from '../../core/types.js';
import { output } from '../context.js';
import type { Output } from '../output.js';

interface GetFlags {
  output?: string;
  at?: string;
  bytes?: string;
  verify?: boolean;
}

async function retrieve(out: Output, target: string, flags: GetFlags): Promise<void> {
  const store = Store.openFor(target, process.cwd());
  const opts: GetOptions = { root: flags.at, range: flags.bytes, verify: flags.verify };
  const meta = (e: StoredFile) => ({
    path: e.path,
    type: e.mode === MODE_LINK ? 'symlink' : 'file',
    mode: e.mode.toString(8),
    size: e.size,
    hash: toHex(e.hash),
    root: e.root,
    generation: e.generation,
    layerReads: e.layerReads,
    ...(flags.verify && { verified: true }),
    ...(e.fetched && { fetched: e.fetched }),
  });
  if (flags.output) {
    const e = await store.getToFile(target, flags.output, opts);
    out.result([], { ...meta(e), output: resolve(flags.output) });
  } else if (out.opts.json) {
    const parts: Buffer[] = [];
    const e = await store.getTo(target, (c) => void parts.push(Buffer.from(c)), opts);
    const content = Buffer.concat(parts);
    out.result([], {
      ...meta(e),
      ...(e.mode === MODE_LINK && { target: decodePath(content) }),
      encoding: 'base64',
      content: content.toString('base64'),
    });
  } else {
    // A symbolic link's content is its target (as git stores it): printed as is, and said on stderr.
    const e = await store.getToFd(target, 1, opts).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0); // `digstore cat f | head`: the reader's choice, not an error
      throw err;
    });
    if (e.mode === MODE_LINK) out.note(`${quoteName(e.path)} is a symbolic link; its target was printed`);
  }
}

const TARGET_HELP =
  'a path in the project, /path#bytes=A-B, or a full URN (urn:dig:chia:STORE[:ROOT]/PATH[#bytes=A-B])';
const AT_HELP = 'read at this generation (root hash or a unique prefix of at least 8 hex)';
const BYTES_HELP = 'only these bytes: A-B, A- or -N (inclusive, as HTTP ranges)';

export function registerGet(program: Command): void {
  program
    .command('get')
    .description('write a stored file (or a byte range of it) to stdout or to a file')
    .argument('<target>', TARGET_HELP)
    .option('-o, --output <file>', 'write to FILE instead of stdout (replaced atomically)')
    .option('--at <root>', AT_HELP)
    .option('--bytes <range>', BYTES_HELP)
    .option('--verify', 'prove the file against the root and check every byte before writing any')
    .action((target: string, flags: GetFlags, cmd: Command) => retrieve(output(cmd), target, flags));
  program
    .command('cat')
    .description('print a stored file (or a byte range of it) to stdout')
    .argument('<target>', TARGET_HELP)
    .option('--at <root>', AT_HELP)
    .option('--bytes <range>', BYTES_HELP)
    .option('--verify', 'prove the file against the root and check every byte before printing any')
    .action((target: string, flags: GetFlags, cmd: Command) => retrieve(output(cmd), target, flags));
}
