// The add path: read → chunk/hash → dedup → append new chunk bytes → staged entry. Chunk bytes are
// appended to the archive (invisible until a commit); the caller saves the staging file only after
// `finish()` has made them durable. A chunk already stored or already staged is never written again.
import { readFileSync, statSync } from 'node:fs';
import { toHex, equalBytes } from '../core/digest.js';
import { fromSystemError } from '../core/errors.js';
import type { Staging, StagedEntry } from '../core/codecs/staging-codec.js';
import { MODE_EXEC, MODE_FILE, type ChunkRef, type ChunkingParams, type FileEntry } from '../core/types.js';
import { ChunkAppender } from '../store/chunk-appender.js';
import type { ChunkIndex } from '../store/chunk-index.js';
import { chunkContent } from './chunk-content.js';

export interface AddSummary {
  files: number;
  bytes: number;
  unchanged: number;
  newChunks: number;
  newBytes: number;
  reusedChunks: number;
  reusedBytes: number;
}

export interface StageContext {
  archivePath: string;
  committedLength: number;
  chunkIndex: ChunkIndex;
  staging: Staging;
  params: ChunkingParams;
  head: ReadonlyMap<string, FileEntry>;
}

export function emptySummary(): AddSummary {
  return { files: 0, bytes: 0, unchanged: 0, newChunks: 0, newBytes: 0, reusedChunks: 0, reusedBytes: 0 };
}

/** Stages `targets`; returns the updated staging (the input is not mutated) and what was done. */
export function stageFiles(ctx: StageContext, targets: ReadonlyArray<{ abs: string; rel: string }>): { staging: Staging; summary: AddSummary } {
  const summary = emptySummary();
  const entries = new Map<string, StagedEntry>(ctx.staging.entries.map((e) => [e.path, e]));
  const newChunks = ctx.staging.newChunks.slice();
  const staged = new Map<string, ChunkRef>(newChunks.map((c) => [toHex(c.hash), c]));
  const out = new ChunkAppender(ctx.archivePath, ctx.staging.dataEnd, ctx.committedLength);
  let dataEnd: number;
  try {
    for (const t of targets) {
      let data: Buffer;
      let st;
      try {
        st = statSync(t.abs);
        data = readFileSync(t.abs);
      } catch (e) {
        throw fromSystemError(e, t.rel);
      }
      const content = chunkContent(data, ctx.params);
      const chunks: ChunkRef[] = content.pieces.map((p) => {
        const known = ctx.chunkIndex.lookup(p.hash) ?? staged.get(toHex(p.hash));
        if (known) {
          summary.reusedChunks++;
          summary.reusedBytes += p.length;
          return known;
        }
        const bytes = data.subarray(p.offset, p.offset + p.length);
        const ref: ChunkRef = { hash: p.hash, offset: out.append(bytes), length: p.length, storedLength: p.length, codec: 0 };
        staged.set(toHex(p.hash), ref);
        newChunks.push(ref);
        summary.newChunks++;
        summary.newBytes += p.length;
        return ref;
      });
      const mode = st.mode & 0o111 ? MODE_EXEC : MODE_FILE;
      summary.files++;
      summary.bytes += data.length;
      const prev = ctx.head.get(t.rel);
      if (prev && !prev.deleted && prev.mode === mode && equalBytes(prev.hash, content.hash)) {
        // Same as committed: nothing to stage (and any earlier staged change to it is undone, as in git).
        entries.delete(t.rel);
        summary.unchanged++;
        continue;
      }
      entries.set(t.rel, {
        path: t.rel, mode, size: data.length, hash: content.hash, chunkRoot: content.chunkRoot, chunks,
        stat: { mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino },
      });
    }
  } catch (e) {
    out.abort();
    throw e;
  }
  dataEnd = out.finish();
  const staging: Staging = { ...ctx.staging, dataEnd, entries: [...entries.values()], newChunks };
  return { staging, summary };
}
