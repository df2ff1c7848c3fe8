// The remote's history (docs/remote.md): gen objects are edges base generation → head generation, each naming
// the export segment (its parts) that brings a store from one to the other. Which edge counts when two pushers
// both built on the same base: among the *settled* edges from the current head (the server's clock at least
// `settleMs` past their write), the earliest written, ties to the smaller key. Everyone applies the same rule to
// the same settled set, so a pusher and every later reader agree on the winner.
import { isHash } from '../core/digest.js';
import { CorruptDataError, IntegrityError, NotFoundError } from '../core/errors.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ByteSpan, ObjectInfo, ObjectStore } from './object-store.js';

export const GEN_FORMAT = 'digstore-remote-gen';
/** Default settle time (config `remote.settle_ms`): a second of timestamp granularity plus a second of listing lag. */
export const SETTLE_MS = 2000;

export interface GenObject {
  format: typeof GEN_FORMAT;
  version: 1;
  store_id: string;
  base: { generation: number; root: string | null };
  head: { generation: number; root: string };
  /** SHA-256 and length of the export segment the parts make up, in order. */
  sha256: string;
  bytes: number;
  parts: Array<{ key: string; size: number }>;
}

const pad = (n: number) => String(n).padStart(12, '0');
export const genPrefix = (storeId: string, base: number) => `${storeId}/gen/${pad(base)}-`;
export const genKey = (g: GenObject) =>
  `${genPrefix(g.store_id, g.base.generation)}${pad(g.head.generation)}-${g.head.root}.json`;
export const claimKey = (storeId: string, base: number) => `${storeId}/claim/${pad(base)}`;
export const partKey = (storeId: string, sha256: string) => `${storeId}/part/${sha256}`;

/**
 * A part a winning gen object names: its absence is damage to the remote (the gen object is written only once
 * every part it names is there, and parts are never removed while a generation names them), not a missing file.
 */
export async function getPart(remote: ObjectStore, key: string, range?: ByteSpan): Promise<Buffer> {
  try {
    return await remote.get(key, range);
  } catch (e) {
    throw lostAsDamage(e, remote, key);
  }
}

/** NotFoundError for a part a generation names becomes the IntegrityError it is; anything else as it was. */
function lostAsDamage(e: unknown, remote: ObjectStore, key: string): unknown {
  return e instanceof NotFoundError
    ? new IntegrityError(`${remote.url} lost object ${key}, which a generation names: the remote is damaged`)
    : e;
}

/** A part a winning gen object names, as it arrives (see getPart: gone is damage). */
export async function* readPart(remote: ObjectStore, key: string): AsyncIterable<Uint8Array> {
  try {
    yield* remote.read(key);
  } catch (e) {
    throw lostAsDamage(e, remote, key);
  }
}

/** Parses and checks a gen object's shape; what it claims is checked when its segment is imported. */
export function decodeGen(bytes: Buffer, key: string, storeId: string): GenObject {
  let g: GenObject;
  try {
    g = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new CorruptDataError(`remote object ${key} is not JSON`);
  }
  const ok =
    g?.format === GEN_FORMAT &&
    g.version === 1 &&
    g.store_id === storeId &&
    Number.isSafeInteger(g.base?.generation) &&
    (g.base.root === null ? g.base.generation === 0 : isHash(g.base.root)) &&
    Number.isSafeInteger(g.head?.generation) &&
    g.head.generation > g.base.generation &&
    isHash(g.head.root) &&
    isHash(g.sha256) &&
    Array.isArray(g.parts) &&
    g.parts.every(
      (p) => typeof p.key === 'string' && p.key.startsWith(`${storeId}/part/`) && Number.isSafeInteger(p.size),
    ) &&
    g.parts.reduce((n, p) => n + p.size, 0) === g.bytes &&
    genKey(g) === key;
  if (!ok) throw new CorruptDataError(`remote object ${key} is not a valid generation object`);
  return g;
}

/** The winning edge from (generation, root), or undefined when none has settled. Unsettled edges are ignored. */
export async function nextEdge(
  remote: ObjectStore,
  storeId: string,
  from: { generation: number; root: string | null },
  settleMs: number,
): Promise<{ gen: GenObject; info: ObjectInfo } | undefined> {
  const list = async () =>
    (await remote.list(genPrefix(storeId, from.generation))).filter((o) => o.key.endsWith('.json'));
  let candidates = await list();
  if (candidates.length === 0) return undefined;
  let now = await remote.now();
  const oldest = Math.min(...candidates.map((o) => o.lastModified));
  if (now - oldest < settleMs) {
    // A push is settling: wait for its object to count (at most the settle time) instead of missing it.
    await sleep(settleMs - (now - oldest) + 50);
    candidates = await list();
    now = await remote.now();
  }
  const settled = candidates
    .filter((o) => now - o.lastModified >= settleMs)
    .sort((a, b) => a.lastModified - b.lastModified || (a.key < b.key ? -1 : 1));
  for (const info of settled) {
    const gen = decodeGen(await remote.get(info.key), info.key, storeId);
    if (gen.base.root === from.root) return { gen, info }; // an edge from another history does not count
  }
  return undefined;
}

/** Follows the winning edges from `from` to the remote's head; the edges in order. */
export async function followChain(
  remote: ObjectStore,
  storeId: string,
  from: { generation: number; root: string | null },
  settleMs: number,
): Promise<GenObject[]> {
  const out: GenObject[] = [];
  let at = from;
  for (;;) {
    const next = await nextEdge(remote, storeId, at, settleMs);
    if (!next) return out;
    out.push(next.gen);
    at = next.gen.head;
  }
}
