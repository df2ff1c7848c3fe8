// Node decodes the command line as UTF-8 and replaces bytes that are not (a file named `lat\xe9.txt`) with
// U+FFFD, so such a name could never be typed. Linux keeps the exact bytes in /proc/self/cmdline: when an
// argument holds U+FFFD, the arguments are taken from there instead, each decoded losslessly as a path string
// (core/path-bytes.ts) — the same form `add -A` gives such a name when it reads it from the directory.
import { readFileSync } from 'node:fs';
import { decodePath } from '../core/path-bytes.js';

export function rawArgv(argv: readonly string[]): string[] {
  const userArgs = argv.length - 2;
  if (userArgs <= 0 || !argv.slice(2).some((a) => a.includes('\uFFFD'))) return [...argv];
  let cmdline: Buffer;
  try {
    cmdline = readFileSync('/proc/self/cmdline');
  } catch {
    return [...argv]; // not Linux: the lossy form is all there is
  }
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < cmdline.length; i++) {
    if (cmdline[i] === 0) {
      parts.push(cmdline.subarray(start, i));
      start = i + 1;
    }
  }
  if (parts.length < userArgs) return [...argv];
  // The user's arguments are the last ones (node's own flags and the script path come first).
  const raw = parts.slice(parts.length - userArgs).map(decodePath);
  const agrees = raw.every((r, i) => r === argv[i + 2] || argv[i + 2].includes('\uFFFD'));
  return agrees ? [...argv.slice(0, 2), ...raw] : [...argv];
}
