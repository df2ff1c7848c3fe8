// A file found by a scan (scan.ts), kept small: a million of them are held through an add. Its absolute path
// is made from its directory's when asked for, and its stat numbers live in the scan's StatTable.
import type { Stats } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The stat numbers of a scan's files, four a file (size, mtime ms, ctime ms, inode) in one growing array:
 * as object fields they were four boxed numbers a file, a quarter of a 100k-file add's live heap.
 */
export class StatTable {
  private data = new Float64Array(256);
  private n = 0;

  /** A new row, zeroed. */
  row(): number {
    if ((this.n + 1) * 4 > this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    return this.n++;
  }

  get(row: number, field: number): number {
    return this.data[row * 4 + field];
  }

  setRow(row: number, size: number, mtimeMs: number, ctimeMs: number, ino: number): void {
    const at = row * 4;
    this.data[at] = size;
    this.data[at + 1] = mtimeMs;
    this.data[at + 2] = ctimeMs;
    this.data[at + 3] = ino;
  }
}

/**
 * A file found by a scan. Its absolute path is made from its directory's (one string shared by the
 * directory's files) when asked for, and its stat numbers live in the scan's StatTable: per file, one small
 * object and its project-relative path.
 */
export class ScannedFile {
  constructor(
    private readonly table: StatTable,
    private readonly row: number,
    /** The absolute path of the directory holding it. */
    private readonly dir: string,
    readonly rel: string,
    /** Executable by its owner. */
    public exec: boolean,
    /** A symbolic link: its content is the target (size = the target's length). */
    public link: boolean,
  ) {}

  get abs(): string {
    return join(this.dir, this.rel.slice(this.rel.lastIndexOf('/') + 1));
  }

  /** SIZE_UNKNOWN (with zero stat fields) until someone stats a file the scan did not (`deferStat`). */
  get size(): number {
    return this.table.get(this.row, 0);
  }

  get mtimeMs(): number {
    return this.table.get(this.row, 1);
  }

  get ctimeMs(): number {
    return this.table.get(this.row, 2);
  }

  get ino(): number {
    return this.table.get(this.row, 3);
  }

  /** Takes the stat numbers of `st` (an lstat made after the scan). */
  setStat(st: Pick<Stats, 'size' | 'mode' | 'mtimeMs' | 'ctimeMs' | 'ino'>): void {
    this.table.setRow(this.row, st.size, st.mtimeMs, st.ctimeMs, st.ino);
    this.exec = (st.mode & 0o100) !== 0;
  }
}

/** The file at `abs` (project path `rel`), lstat-ed as `st`; its stat goes into `table` (a new one if none). */
export function scannedFile(abs: string, rel: string, st: Stats, table = new StatTable()): ScannedFile {
  const f = new ScannedFile(table, table.row(), dirname(abs), rel, false, st.isSymbolicLink());
  f.setStat(st);
  return f;
}
