// Options accepted by the public API. Each call resolves its options against defaults into a new object;
// the caller's object is never modified.

export interface OpenOptions {
  /** Store home; default `$DIGSTORE_HOME` or ~/.dig. */
  home?: string;
}

export interface InitOptions extends OpenOptions {
  name?: string;
  /** 64 lowercase hex; random when omitted. */
  storeId?: string;
}

export interface AddOptions {
  /** Descend into directories given as paths. */
  recursive?: boolean;
  /** Milliseconds to wait for another writer to finish. */
  lockWaitMs?: number;
}

export interface CommitOptions {
  author?: string;
  lockWaitMs?: number;
}

export interface GetOptions {
  /** Root hash of the generation (full or unique prefix of ≥ 8 hex); latest when omitted. */
  root?: string;
}

export const LOCK_WAIT_MS = 5000;
