// Build helper: writes a generated source file only when its text changed, so an unchanged build leaves its
// mtime alone and incremental tsc has nothing to redo.
import { readFileSync, writeFileSync } from 'node:fs';

export function writeIfChanged(file, text) {
  let old = '';
  try {
    old = readFileSync(file, 'utf8');
  } catch {}
  if (old !== text) writeFileSync(file, text);
}
