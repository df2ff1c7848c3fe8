// The stores a gateway serves and the snapshot each request reads. A request takes the store's current
// snapshot (retained) and releases it when its response is done; when the archive file changes (a commit
// appends, gc renames a new file over it) the next request opens a new snapshot and the old one closes with
// its last response — so a response always completes with the bytes of the root it started on.
import { readdirSync, statSync } from 'node:fs';
import { NotFoundError } from '../core/errors.js';
import { storePaths } from '../store/home.js';
import { Snapshot } from '../api/snapshot.js';

const ARCHIVE_NAME = /^([0-9a-f]{64})\.dig$/;

interface Held {
  snap: Snapshot;
  /** The archive file as it was when `snap` was opened: inode, size and modification time. */
  stamp: string;
}

export class StoreRegistry {
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly home: string,
    /** Only these stores (IDs); every store under `home` when undefined. */
    private readonly only?: ReadonlySet<string>,
  ) {}

  /** The IDs served, sorted. */
  ids(): string[] {
    if (this.only) return [...this.only].sort();
    let names: string[];
    try {
      names = readdirSync(this.home);
    } catch {
      return [];
    }
    return names
      .map((n) => ARCHIVE_NAME.exec(n)?.[1])
      .filter((id): id is string => id !== undefined)
      .sort();
  }

  /** Where the store's archive is (a store this registry serves). */
  archivePath(storeId: string): string {
    if (this.only && !this.only.has(storeId)) throw new NotFoundError(`store ${storeId} is not served here`);
    return storePaths(this.home, storeId).archive;
  }

  /** The store's current snapshot, retained: the caller must `release()` it. */
  acquire(storeId: string): Snapshot {
    const file = this.archivePath(storeId);
    let stamp: string;
    try {
      const st = statSync(file, { bigint: true });
      stamp = `${st.ino}:${st.size}:${st.mtimeNs}`;
    } catch {
      throw new NotFoundError(`no store ${storeId} here`);
    }
    const cur = this.held.get(storeId);
    if (cur?.stamp === stamp) return cur.snap.retain();
    const snap = Snapshot.open(storeId, file);
    cur?.snap.release();
    this.held.set(storeId, { snap, stamp });
    return snap.retain();
  }

  /** Releases the held snapshots (responses still running keep theirs until they finish). */
  close(): void {
    for (const h of this.held.values()) h.snap.release();
    this.held.clear();
  }
}
