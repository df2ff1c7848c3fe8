// Package entry point: the library API. The CLI (src/cli) is built on exactly these exports.
export { Store, type AddResult, type LogEntry } from './api/store.js';
export type { AddOptions, CommitOptions, GetOptions, InitOptions, OpenOptions } from './api/options.js';
export type { StatusResult } from './api/status.js';
export type { CommitResult } from './store/commit.js';
export { fastcdc, type Chunk, type FastCdcOptions } from './chunking/index.js';
export { DEFAULTS, type Config } from './store/config.js';
export {
  DigstoreError, UsageError, NotFoundError, CorruptDataError, IntegrityError, NoStoreError, LockedError,
  NothingToCommitError, ExistsError, type ErrorCode,
} from './core/errors.js';
export { merkleRoot, leafHash, nodeHash } from './core/merkle.js';
