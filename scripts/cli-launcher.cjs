#!/usr/bin/env node
// The `digstore` command: runs the bundled CLI (digstore-main.js, CommonJS) through V8's code cache, so a
// command does not compile ~450 KB of JavaScript from scratch each time (Node 20 has no built-in compile
// cache). The cache is written beside the bundle after the first run, atomically; V8 rejects a cache that does
// not match the bundle or this Node, and a fresh one is written. Where the directory is read-only (an installed
// package), the command runs without one. Copied to dist/bin/digstore.js by scripts/bundle-cli.mjs.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');
// Memory per file: the CLI's live heap is small (staged entries, new chunks and scan stats are records in
// buffers, not objects), but V8 by default lets the heap grow to several times it between full collections:
// 100,000 tiny files peaked at ~300 MB RSS for an add where ~70 MB was live. Growing the old generation by at
// most 50% holds add, commit and status of 100k files under 200 MB at the same speed (docs/ingest.md,
// "Memory"). V8 reads it at each collection, so setting it here, before any work, is in time. (Keeping the
// young generation at its start size too saved more at 100k but made a 1M-file status 40% slower.)
require('node:v8').setFlagsFromString('--heap-growing-percent=50');

const file = path.join(__dirname, 'digstore-main.js');
const cacheFile = `${file}.${process.versions.v8}.cache`;
let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  // no cache yet
}
// Already wrapped as a module function and ASCII-only (scripts/bundle-cli.mjs): read as a one-byte string.
const source = fs.readFileSync(file, 'latin1');
const script = new vm.Script(source, { filename: file, cachedData });
if (cachedData === undefined || script.cachedDataRejected) {
  process.once('exit', () => {
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cacheFile);
    } catch {
      try {
        fs.rmSync(tmp, { force: true });
      } catch {}
    }
  });
}
const module_ = { exports: {} };
script.runInThisContext()(module_.exports, Module.createRequire(file), module_, file, __dirname);
