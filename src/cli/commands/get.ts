import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { toHex } from '../../core/digest.js';
import { UsageError, fromSystemError } from '../../core/errors.js';
import type { Store } from '../../api/store.js';
import { openStore, output } from '../context.js';
import type { Output } from '../output.js';

/** Writes to stdout honouring backpressure, so a 5 GiB file never piles up in memory. */
async function toStdout(chunk: Buffer): Promise<void> {
  if (!process.stdout.write(chunk)) await new Promise((r) => process.stdout.once('drain', r));
}

/** Writes to a temporary file beside FILE and renames it, so FILE is never left half-written. */
async function toFile(store: Store, path: string, file: string, root?: string): Promise<void> {
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
  try {
    await store.getTo(path, (c) => {
      let done = 0;
      while (done < c.length) done += writeSync(fd, c, done);
    }, { root });
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, target);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw fromSystemError(e, `cannot write ${file}`);
  }
}

async function retrieve(out: Output, path: string, opts: { output?: string; at?: string }): Promise<void> {
  const store = openStore();
  if (opts.output) {
    await toFile(store, path, opts.output, opts.at);
    const e = store.stat(path, { root: opts.at });
    out.result([], { path: e.path, size: e.size, hash: toHex(e.hash), root: e.root, output: resolve(opts.output) });
  } else if (out.opts.json) {
    const e = store.stat(path, { root: opts.at });
    const data = store.get(path, { root: opts.at });
    out.result([], { path: e.path, size: e.size, hash: toHex(e.hash), root: e.root, encoding: 'base64', content: data.toString('base64') });
  } else {
    await store.getTo(path, toStdout, { root: opts.at });
  }
}

export function registerGet(program: Command): void {
  program
    .command('get')
    .description('write a stored file to stdout or to a file')
    .argument('<path>', 'path of the file in the project')
    .option('-o, --output <file>', 'write to FILE instead of stdout')
    .option('--at <root>', 'read at this generation (root hash or a unique prefix of at least 8 hex)')
    .action((path: string, opts: { output?: string; at?: string }, cmd: Command) => retrieve(output(cmd), path, opts));
  program
    .command('cat')
    .description('print a stored file to stdout')
    .argument('<path>', 'path of the file in the project')
    .option('--at <root>', 'read at this generation (root hash or a unique prefix of at least 8 hex)')
    .action((path: string, opts: { at?: string }, cmd: Command) => retrieve(output(cmd), path, opts));
}
