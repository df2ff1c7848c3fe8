import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { toHex } from '../../core/digest.js';
import { UsageError, fromSystemError } from '../../core/errors.js';
import type { GetOptions } from '../../api/options.js';
import { Store } from '../../api/store.js';
import { output } from '../context.js';
import type { Output } from '../output.js';

/** Writes to stdout honouring backpressure, so a 5 GiB file never piles up in memory. */
async function toStdout(chunk: Buffer): Promise<void> {
  if (!process.stdout.write(chunk)) await new Promise((r) => process.stdout.once('drain', r));
}

/** Writes to a temporary file beside FILE and renames it, so FILE is never left half-written. */
async function toFile(store: Store, path: string, file: string, opts: GetOptions): Promise<void> {
  const target = resolve(file);
  try {
    if (statSync(target).isDirectory()) throw new UsageError(`-o ${file} is a directory`, 'give a file name');
  } catch (e) {
    if (e instanceof UsageError) throw e;
  }
  const tmp = join(dirname(target), `.${basename(target)}.digstore-${process.pid}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o644);
  } catch (e) {
    throw fromSystemError(e, `cannot write ${file}`);
  }
  let open = true;
  try {
    await store.getTo(path, (c) => {
      let done = 0;
      while (done < c.length) done += writeSync(fd, c, done);
    }, opts);
    fsyncSync(fd);
    closeSync(fd);
    open = false;
    renameSync(tmp, target);
  } catch (e) {
    if (open) closeSync(fd);
    rmSync(tmp, { force: true });
    throw fromSystemError(e, `cannot write ${file}`);
  }
}

interface GetFlags {
  output?: string;
  at?: string;
  bytes?: string;
  verify?: boolean;
}

async function retrieve(out: Output, target: string, flags: GetFlags): Promise<void> {
  const store = Store.openFor(target, process.cwd());
  const opts: GetOptions = { root: flags.at, range: flags.bytes, verify: flags.verify };
  const e = store.stat(target, opts);
  const meta = { path: e.path, size: e.size, hash: toHex(e.hash), root: e.root, generation: e.generation, layerReads: e.layerReads, ...(flags.verify && { verified: true }) };
  if (flags.output) {
    await toFile(store, target, flags.output, opts);
    out.result([], { ...meta, output: resolve(flags.output) });
  } else if (out.opts.json) {
    const parts: Buffer[] = [];
    await store.getTo(target, (c) => void parts.push(Buffer.from(c)), opts);
    out.result([], { ...meta, encoding: 'base64', content: Buffer.concat(parts).toString('base64') });
  } else {
    await store.getTo(target, toStdout, opts);
  }
}

const TARGET_HELP = 'a path in the project, /path#bytes=A-B, or a full URN (urn:dig:chia:STORE[:ROOT]/PATH[#bytes=A-B])';
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
