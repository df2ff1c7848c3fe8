#!/usr/bin/env node
// digstore command line. Every command is a thin layer over the library (src/api); this file only wires
// commander, maps errors to one line and an exit status, and keeps stack traces for DIGSTORE_DEBUG=1.
import { Command, CommanderError } from 'commander';
import { registerAdd } from './commands/add.js';
import { registerCheckIgnore } from './commands/check-ignore.js';
import { registerCheck } from './commands/check.js';
import { registerCommit } from './commands/commit.js';
import { registerGet } from './commands/get.js';
import { registerInit } from './commands/init.js';
import { registerLog } from './commands/log.js';
import { registerProve } from './commands/prove.js';
import { registerVerify } from './commands/verify.js';
import { registerStatus } from './commands/status.js';
import { registerRm } from './commands/rm.js';
import { registerExtract } from './commands/extract.js';
import { registerTransfer } from './commands/transfer.js';
import { registerGc } from './commands/gc.js';
import { registerHistory } from './commands/history.js';
import { registerLayers } from './commands/layers.js';
import { registerSize } from './commands/size.js';
import { registerDiff } from './commands/diff.js';
import { registerConfig } from './commands/config.js';
import { registerServe } from './commands/serve.js';
import { registerFetch } from './commands/fetch.js';
import { registerRemote } from './commands/remote.js';
import { EXIT } from './exit-codes.js';
import { rawArgv } from './raw-args.js';
import { VERSION } from './version.generated.js';
import { colours, exitStatus, reportError } from './output.js';

function buildProgram(): Command {
  const program = new Command('digstore')
    .description('content-addressable storage with Git-like semantics, merkle proofs and permanent URNs')
    .version(VERSION, '-V, --version')
    .option('--json', 'machine-readable output (one JSON document on stdout)')
    .option('-q, --quiet', 'print nothing but errors and the answers of query commands (cat, log, status…)')
    .option('-v, --verbose', 'say more')
    .showSuggestionAfterError(true)
    .configureOutput({
      // Commander's own errors (unknown command/option, missing argument) become our one-line format.
      outputError: (str, write) =>
        write(
          `${colours.red('error:')} ${str
            .replace(/^error: /, '')
            .trim()
            .replace(/\s*\n\s*/g, ' ')} (see \`digstore --help\`)\n`,
        ),
    })
    .exitOverride();
  for (const register of [
    registerInit,
    registerAdd,
    registerRm,
    registerCommit,
    registerStatus,
    registerLog,
    registerHistory,
    registerDiff,
    registerLayers,
    registerSize,
    registerGet,
    registerExtract,
    registerProve,
    registerVerify,
    registerConfig,
    registerCheckIgnore,
    registerCheck,
    registerTransfer,
    registerGc,
    registerServe,
    registerFetch,
    registerRemote,
  ]) {
    register(program);
  }
  for (const c of program.commands) c.exitOverride().configureOutput(program.configureOutput());
  return program;
}

async function main(): Promise<number> {
  const program = buildProgram();
  const json = process.argv.includes('--json');
  try {
    await program.parseAsync(rawArgv(process.argv));
    return exitStatus();
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return EXIT.OK;
      return EXIT.USAGE;
    }
    return reportError(e, json);
  }
}

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  // A closed pipe (`digstore cat f | head`) is the reader's choice, not an error.
  if (e.code === 'EPIPE') process.exit(EXIT.OK);
  throw e;
});

main().then((code) => {
  process.exitCode = code;
});
