// Package entry point: the library API. The CLI (src/cli) is built on exactly these exports.
export {
  Store,
  type AddResult,
  type LogEntry,
  type ResolvedTarget,
  type StoreInfo,
  type StoredFile,
} from './api/store.js';
export type { StoreReader } from './api/store-reader.js';
export type { DiffEntry, HistoryEntry, InspectResult, LayerInfo, SizeReport, StatsReport } from './api/inspect.js';
export type { ExportResult, ImportResult } from './store/transfer.js';
export type { ExtractResult } from './retrieve/extract.js';
export type { AddOptions, CommitOptions, GetOptions, InitOptions, OpenOptions, ProveOptions } from './api/options.js';
export type { StatusResult } from './worktree/status.js';
export { repairStore, type RepairOptions, type RepairPlan, type RepairResult } from './api/repair.js';
export { MAX_PROOF_BYTES, readProof, verifyProofFile, writeProof } from './api/proof-files.js';
export type { RmOptions, RmResult } from './worktree/remove.js';
export type { CommitResult } from './store/commit.js';
export { fastcdc, type Chunk, type FastCdcOptions } from './chunking/index.js';
export { DEFAULTS, type Config } from './store/config.js';
export {
  getConfig,
  listConfig,
  setConfig,
  unsetConfig,
  type ConfigOptions,
  type ConfigOrigin,
  type ConfigSetting,
  type ConfigValue,
} from './api/config.js';
export {
  DigstoreError,
  InternalError,
  type ErrorData,
  UsageError,
  NotFoundError,
  CorruptDataError,
  IntegrityError,
  NoStoreError,
  LockedError,
  NothingToCommitError,
  ExistsError,
  type ErrorCode,
} from './core/errors.js';
export { merkleRoot, leafHash, nodeHash } from './core/merkle.js';
export { verifyProof, dataRange, type VerifyOptions, type VerifyResult, type ByteSource } from './core/verify-proof.js';
export {
  decodeProof,
  encodeProof,
  PROOF_VERSION,
  type Proof,
  type ProofStep,
  type ChunkProof,
  type ProofType,
  type ProofFormat,
  encodeProofAs,
  decodeProofBytes,
} from './core/codecs/proof-codec.js';
export {
  parseUrn,
  parseTarget,
  formatUrn,
  parseRange,
  resolveRange,
  formatRange,
  type Urn,
  type RangeSpec,
} from './core/urn.js';
export type { CheckReport, CheckProblem } from './store/check.js';
export type { GcReport } from './store/compact.js';
export { fetchToFd, fetchToFile, fetchVerified, type FetchOptions, type FetchResult } from './api/fetch.js';
export {
  addRemote,
  clone,
  cloneFromGateway,
  fetchEverything,
  gcRemoteStore,
  listRemotes,
  openRemote,
  pull,
  pullFromGateway,
  pullInto,
  push,
  removeRemote,
  type PullResult,
  type PushResult,
  type RemoteOptions,
} from './api/remote.js';
export type { ByteSpan, ObjectInfo, ObjectStore } from './remote/object-store.js';
export type { RemoteGcReport } from './remote/remote-gc.js';
export type { FetchCounts } from './api/lazy.js';
