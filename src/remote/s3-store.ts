// A remote on S3-compatible object storage (`s3://BUCKET[/PREFIX]`) through @aws-sdk/client-s3, loaded on first
// use (commands that never touch S3 do not pay for it). Endpoint, region and path-style addressing from the
// URL (`?endpoint=…&region=…&path_style=…`) or the standard AWS settings (`AWS_ENDPOINT_URL`, `AWS_REGION`;
// us-east-1 by default), path-style addressing whenever an endpoint is given unless the URL says otherwise
// (what S3-compatible servers expect), credentials only from the SDK's default chain. No conditional writes
// (Swift's S3 layer refuses them): the settle-and-list rule decides concurrent pushes (docs/remote.md). The
// server's clock comes from the `Date` of its responses.
import { createRequire } from 'node:module';
import type { S3Client } from '@aws-sdk/client-s3';
import { NetworkError, NotFoundError, UsageError } from '../core/errors.js';
import { type ByteSpan, type Leftover, type ObjectInfo, type ObjectStore, PIECE_BYTES } from './object-store.js';
import { listObjects, listUploads } from './s3-listing.js';

type Sdk = typeof import('@aws-sdk/client-s3');

/** The options an s3:// URL may carry (never credentials: those come from the AWS settings only). */
function s3Options(q: URLSearchParams, url: string): { endpoint?: string; region?: string; pathStyle?: boolean } {
  const out: { endpoint?: string; region?: string; pathStyle?: boolean } = {};
  for (const [k, v] of q) {
    if (k === 'endpoint' && /^https?:\/\/[^/@]+\/?$/.test(v)) out.endpoint = v;
    else if (k === 'region' && /^[a-z0-9-]{1,40}$/.test(v)) out.region = v;
    else if (k === 'path_style' && (v === 'true' || v === 'false')) out.pathStyle = v === 'true';
    else
      throw new UsageError(
        `'${url}': ${['endpoint', 'region', 'path_style'].includes(k) ? `bad value for ${k}` : `unknown option '${k}'`}`,
        'options: endpoint=http(s)://HOST[:PORT], region=NAME, path_style=true|false',
      );
  }
  return out;
}

/** Pieces of one multipart upload sent at once (memory: this many × PIECE_BYTES). */
const UPLOADS_IN_FLIGHT = 3;

export class S3ObjectStore implements ObjectStore {
  private readonly bucket: string;
  private readonly prefix: string;
  private client: Promise<{ s3: S3Client; sdk: Sdk }> | undefined;
  /**
   * The server's clock minus this machine's. A `Date` header is whole seconds, rounded down, so each response
   * bounds the offset from below; the largest bound seen is kept. The estimate never goes backwards and never
   * runs ahead of the server: an object is never taken as settled too early.
   */
  private offset: number | undefined;

  /** `?endpoint=URL&region=NAME&path_style=true|false` in the remote's URL, over the AWS settings. */
  private readonly options: { endpoint?: string; region?: string; pathStyle?: boolean };

  constructor(readonly url: string) {
    const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(\/[^?]*)?(?:\?(.*))?$/.exec(url);
    if (!m)
      throw new UsageError(
        `'${url}' is not s3://BUCKET[/PREFIX][?endpoint=URL&region=NAME&path_style=true]`,
        'bucket names are lowercase letters, digits, . and -',
      );
    this.bucket = m[1];
    const p = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
    this.prefix = p === '' ? '' : `${p}/`;
    this.options = s3Options(new URLSearchParams(m[3] ?? ''), url);
  }

  private connect(): Promise<{ s3: S3Client; sdk: Sdk }> {
    this.client ??= Promise.resolve().then(() => {
      // The release pinned in package.json supports Node 20; its warning is about later releases.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      // require, not import(): the CLI runs as a bundle in a vm.Script, which has no dynamic-import hook.
      const sdk = createRequire(import.meta.url)('@aws-sdk/client-s3') as Sdk;
      const o = this.options;
      const endpoint = o.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
      const s3 = new sdk.S3Client({
        region: o.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
        ...(endpoint && { endpoint, forcePathStyle: o.pathStyle ?? true }),
        ...(!endpoint && o.pathStyle !== undefined && { forcePathStyle: o.pathStyle }),
        // S3-compatible servers (Swift) refuse the SDK's newer default checksums and aws-chunked uploads.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
      s3.middlewareStack.add(
        (next) => async (args) => {
          const out = await next(args);
          const date = (out.response as { headers?: Record<string, string> }).headers?.date;
          if (date) this.offset = Math.max(this.offset ?? Number.NEGATIVE_INFINITY, Date.parse(date) - Date.now());
          return out;
        },
        { step: 'deserialize', name: 'digstoreServerDate' },
      );
      return { s3, sdk };
    });
    return this.client;
  }

  private async send<T>(what: string, make: (sdk: Sdk) => unknown): Promise<T> {
    const { s3, sdk } = await this.connect();
    try {
      return (await s3.send(make(sdk) as never)) as T;
    } catch (e) {
      const err = e as { name?: string; $metadata?: { httpStatusCode?: number }; message?: string };
      if (err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata?.httpStatusCode === 404)
        throw new NotFoundError(`${this.url}: no ${what}`);
      if (err.name === 'NoSuchBucket')
        throw new NotFoundError(`${this.url}: no bucket ${this.bucket}`, 'create it first');
      throw new NetworkError(
        `${this.url}: ${what}: ${err.message ?? err.name}`,
        'check AWS_ENDPOINT_URL and credentials',
      );
    }
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    await this.send(
      key,
      (sdk) =>
        new sdk.PutObjectCommand({
          Bucket: this.bucket,
          Key: this.prefix + key,
          Body: data,
          ContentLength: data.length,
        }),
    );
  }

  async putFrom(key: string, size: number, read: (offset: number, length: number) => Buffer): Promise<void> {
    if (size <= PIECE_BYTES) return this.put(key, read(0, size));
    const Key = this.prefix + key;
    const { UploadId } = await this.send<{ UploadId: string }>(
      key,
      (sdk) => new sdk.CreateMultipartUploadCommand({ Bucket: this.bucket, Key }),
    );
    try {
      const Parts: Array<{ ETag?: string; PartNumber: number }> = [];
      const pieces = Math.ceil(size / PIECE_BYTES);
      let next = 0;
      // A few pieces in flight: one connection's round trips would leave the server idle between them.
      const sender = async () => {
        for (let i = next++; i < pieces; i = next++) {
          const Body = read(i * PIECE_BYTES, Math.min(PIECE_BYTES, size - i * PIECE_BYTES));
          const PartNumber = i + 1;
          const { ETag } = await this.send<{ ETag?: string }>(
            `${key} (piece ${PartNumber})`,
            (sdk) =>
              new sdk.UploadPartCommand({
                Bucket: this.bucket,
                Key,
                UploadId,
                PartNumber,
                Body,
                ContentLength: Body.length,
              }),
          );
          Parts.push({ ETag, PartNumber });
        }
      };
      await Promise.all(Array.from({ length: Math.min(UPLOADS_IN_FLIGHT, pieces) }, sender));
      Parts.sort((a, b) => a.PartNumber - b.PartNumber);
      await this.send(
        key,
        (sdk) =>
          new sdk.CompleteMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId, MultipartUpload: { Parts } }),
      );
    } catch (e) {
      // Best effort: an upload left behind holds space until the bucket's lifecycle rules or gc --remote clear it.
      await this.send(key, (sdk) => new sdk.AbortMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId })).catch(
        () => {},
      );
      throw e;
    }
  }

  async *read(key: string): AsyncIterable<Uint8Array> {
    const out = await this.send<{ Body: AsyncIterable<Uint8Array> }>(
      key,
      (sdk) => new sdk.GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
    );
    try {
      for await (const piece of out.Body) yield piece;
    } catch (e) {
      throw new NetworkError(`${this.url}: ${key}: ${(e as Error).message}`, 'run the command again: it resumes');
    }
  }

  async get(key: string, range?: ByteSpan): Promise<Buffer> {
    const out = await this.send<{ Body: { transformToByteArray(): Promise<Uint8Array> } }>(
      key,
      (sdk) =>
        new sdk.GetObjectCommand({
          Bucket: this.bucket,
          Key: this.prefix + key,
          ...(range && { Range: `bytes=${range.start}-${range.end - 1}` }),
        }),
    );
    const b = Buffer.from(await out.Body.transformToByteArray());
    if (range && b.length !== range.end - range.start)
      throw new NetworkError(`${this.url}: ${key}: asked for ${range.end - range.start} bytes, got ${b.length}`);
    return b;
  }

  async delete(key: string): Promise<void> {
    await this.send(key, (sdk) => new sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const out = await this.send<{ ContentLength?: number; LastModified?: Date }>(
        key,
        (sdk) => new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
      );
      return { key, size: out.ContentLength ?? 0, lastModified: out.LastModified?.getTime() ?? 0 };
    } catch (e) {
      if (e instanceof NotFoundError) return undefined;
      throw e;
    }
  }

  list(prefix: string): Promise<ObjectInfo[]> {
    return listObjects(this.send.bind(this), this.bucket, this.prefix, prefix);
  }

  /** Multipart uploads under `prefix` never completed or aborted (a push killed inside one). */
  leftovers(prefix: string): Promise<Leftover[]> {
    return listUploads(this.send.bind(this), this.bucket, this.prefix, prefix);
  }

  async dropLeftover(l: Leftover): Promise<void> {
    await this.send(
      l.key,
      (sdk) => new sdk.AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.prefix + l.key, UploadId: l.id }),
    );
  }

  async now(): Promise<number> {
    if (this.offset === undefined) await this.list(`${'0'.repeat(64)}/`); // any cheap request brings a Date header
    return Date.now() + (this.offset ?? 0);
  }
}
