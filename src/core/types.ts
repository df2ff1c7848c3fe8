// Plain data shapes shared by the codecs and the layers above them.

/** Where one chunk's bytes live in the store archive. `hash` is SHA-256 of the uncompressed bytes. */
export interface ChunkRef {
  hash: Uint8Array;
  /** Absolute byte offset in the archive. */
  offset: number;
  /** Uncompressed length. */
  length: number;
  /** Bytes on disk (equals `length` when stored raw). */
  storedLength: number;
  /** 0 = raw. Other values are reserved for compression codecs. */
  codec: number;
}

export const MODE_FILE = 0o100644;
export const MODE_EXEC = 0o100755;
/** A symbolic link: the content is the link's target, as in git. */
export const MODE_LINK = 0o120000;

/**
 * Items read by position: an array, or items made on demand one at a time (a commit of a million staged files
 * hands its layer's entries over this way instead of as a million objects at once).
 */
export interface Indexed<T> {
  readonly length: number;
  at(i: number): T | undefined;
}

export interface FileEntry {
  /** POSIX path relative to the project root, validated (see core/paths.ts). */
  path: string;
  mode: number;
  size: number;
  /** SHA-256 of the whole content (equals `sha256sum`). */
  hash: Uint8Array;
  /** Merkle root over the chunk hashes. */
  chunkRoot: Uint8Array;
  chunks: ChunkRef[];
  /** A deletion marker (staging and delta layers); carries no content. */
  deleted?: boolean;
}

/** The FastCDC parameters used for one size class of files. */
export interface CdcParams {
  minSize: number;
  avgSize: number;
  maxSize: number;
}

/** How files were cut: recorded in every layer so readers and provers never guess. */
export interface ChunkingParams {
  /** Files up to this size are one chunk, no CDC. */
  skipChunkingThreshold: number;
  /** Files below this size use `small`. */
  smallFileThreshold: number;
  /** Files at or above this size use `large`; sizes in between use `medium`. */
  largeFileThreshold: number;
  normalization: number;
  small: CdcParams;
  medium: CdcParams;
  large: CdcParams;
}
