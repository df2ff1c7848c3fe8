// One writer per store across processes: a lock file (created atomically, see tryCreate) holding pid,
// host and time.
// A lock left by a dead process on this host is taken over; otherwise we wait, then fail naming the holder.
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { LockedError, fromSystemError } from '../core/errors.js';

export interface LockHolder {
  pid: number;
  host: string;
  time: string;
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
}

/** Whether process `pid` exists on this machine (EPERM: it does, owned by another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Creates the lock with its content in one step: the holder is written to a private temp file that is then
 * hard-linked to the lock name (link fails if the lock exists). An O_EXCL create followed by a write would
 * leave an empty lock, impossible to judge, if the process died in between.
 */
function tryCreate(file: string): boolean {
  const me: LockHolder = { pid: process.pid, host: hostname(), time: new Date().toISOString() };
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(tmp, JSON.stringify(me), { flag: 'wx', mode: 0o644 });
    linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw fromSystemError(e, `cannot create lock ${file}`);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** A lock nobody can be holding: its process is gone, or it is unreadable and old. */
function isStale(file: string, holder: LockHolder | undefined): boolean {
  if (holder) return holder.host === hostname() && !isAlive(holder.pid);
  try {
    return Date.now() - statSync(file).mtimeMs > 10_000;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Lock {
  release(): void;
}

/** How long a writer waits for another writer's lock by default (the CLI's `--wait`, the api's `lockWaitMs`). */
export const LOCK_WAIT_MS = 5000;

/** Acquires the store's write lock, waiting up to `waitMs`. */
export async function acquireLock(file: string, waitMs = LOCK_WAIT_MS): Promise<Lock> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (tryCreate(file)) return { release: () => rmSync(file, { force: true }) };
    const holder = readHolder(file);
    if (isStale(file, holder)) {
      // Stale: move it aside under a unique name (atomic), so two takers cannot both delete a fresh lock.
      try {
        renameSync(file, `${file}.stale-${process.pid}`);
        rmSync(`${file}.stale-${process.pid}`, { force: true });
      } catch {
        // Someone else took it over first; loop and try again.
      }
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder ? `process ${holder.pid} on ${holder.host} since ${holder.time}` : 'another process';
      throw new LockedError(
        `store is locked by ${who}`,
        `wait for it to finish, or remove ${file} if that process is gone`,
        { lockFile: file, pid: holder?.pid ?? null, host: holder?.host ?? null, since: holder?.time ?? null },
      );
    }
    await sleep(50);
  }
}
