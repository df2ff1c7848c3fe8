// What a remote is to push, pull and clone (docs/remote.md): a flat namespace of immutable objects. Every
// transport (a directory, S3, a read-only gateway) implements this; the protocol above it is the same.
export interface ObjectInfo {
  key: string;
  size: number;
  /** The server's time of the write, in ms since the epoch. */
  lastModified: number;
}

/** Pieces of this many bytes: for multipart uploads and reads of large objects. */
export const PIECE_BYTES = 8 * 1024 * 1024;

/** Bytes [start, end) of an object. */
export interface ByteSpan {
  start: number;
  end: number;
}

export interface ObjectStore {
  /** The remote as the user named it (for messages). */
  readonly url: string;
  put(key: string, data: Uint8Array): Promise<void>;
  /**
   * Writes an object of `size` bytes that `read(offset, length)` hands over piece by piece, so a large object
   * is never whole in memory (a multipart upload on S3).
   */
  putFrom(key: string, size: number, read: (offset: number, length: number) => Buffer): Promise<void>;
  /** The object's bytes as they arrive (flat memory for a large object); NotFoundError when there is none. */
  read(key: string): AsyncIterable<Uint8Array>;
  /** Creates `key` only if it does not exist; false when it does. Absent where the server cannot do that. */
  putIfAbsent?(key: string, data: Uint8Array): Promise<boolean>;
  /** The object's bytes (with `range`, bytes [start, end) of it); NotFoundError when there is none. */
  get(key: string, range?: ByteSpan): Promise<Buffer>;
  /** Removes the object (gone already is fine). */
  delete(key: string): Promise<void>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Objects whose key starts with `prefix`, in key order. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** The server's clock now (ms): settling is measured on it, never on the client's. */
  now(): Promise<number>;
  /** Writes a killed writer left under `prefix` that are not objects (`list` never shows them). */
  leftovers?(prefix: string): Promise<Leftover[]>;
  /** Removes a leftover (gone already is fine). */
  dropLeftover?(l: Leftover): Promise<void>;
}

/** An unfinished write: a file remote's temporary file, an S3 multipart upload never completed or aborted. */
export interface Leftover {
  /** The key it was writing (the temporary file's own key on a file remote). */
  key: string;
  /** The transport's handle for it (an upload ID). */
  id: string;
  size: number;
  lastModified: number;
}
