// The paginated listings of an S3 remote (s3-store.ts): the objects under a prefix, and the multipart uploads
// a killed push left open under it. `base` is the remote's own key prefix (`s3://BUCKET/BASE`), which keys
// handed back never carry.
import type { Leftover, ObjectInfo } from './object-store.js';

type Sdk = typeof import('@aws-sdk/client-s3');

/** The store's request sender: the SDK's command for `what`, with errors mapped to ours. */
export type Send = <T>(what: string, make: (sdk: Sdk) => unknown) => Promise<T>;

/** Objects whose key starts with `prefix`, in key order; at the top level, the stores (first key segments). */
export async function listObjects(send: Send, bucket: string, base: string, prefix: string): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  let token: string | undefined;
  do {
    type Page = {
      Contents?: Array<{ Key?: string; Size?: number; LastModified?: Date }>;
      CommonPrefixes?: Array<{ Prefix?: string }>;
      NextContinuationToken?: string;
    };
    const page: Page = await send(
      prefix ? `listing of ${prefix}` : 'listing of the bucket',
      (sdk) =>
        new sdk.ListObjectsV2Command({
          Bucket: bucket,
          Prefix: base + prefix,
          ContinuationToken: token,
          // The top level: the stores (their IDs are the first key segment).
          ...(prefix === '' && { Delimiter: '/' }),
        }),
    );
    for (const c of page.Contents ?? [])
      out.push({ key: c.Key!.slice(base.length), size: c.Size ?? 0, lastModified: c.LastModified?.getTime() ?? 0 });
    for (const p of page.CommonPrefixes ?? [])
      out.push({ key: p.Prefix!.slice(base.length).replace(/\/$/, ''), size: 0, lastModified: 0 });
    token = page.NextContinuationToken;
  } while (token);
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Multipart uploads under `prefix` never completed or aborted (a push killed inside one). */
export async function listUploads(send: Send, bucket: string, base: string, prefix: string): Promise<Leftover[]> {
  const out: Leftover[] = [];
  let keyMarker: string | undefined;
  let idMarker: string | undefined;
  do {
    type Page = {
      Uploads?: Array<{ Key?: string; UploadId?: string; Initiated?: Date }>;
      IsTruncated?: boolean;
      NextKeyMarker?: string;
      NextUploadIdMarker?: string;
    };
    const page: Page = await send(
      `uploads under ${prefix}`,
      (sdk) =>
        new sdk.ListMultipartUploadsCommand({
          Bucket: bucket,
          Prefix: base + prefix,
          KeyMarker: keyMarker,
          UploadIdMarker: idMarker,
        }),
    );
    for (const u of page.Uploads ?? [])
      out.push({ key: u.Key!.slice(base.length), id: u.UploadId!, size: 0, lastModified: u.Initiated?.getTime() ?? 0 });
    [keyMarker, idMarker] = page.IsTruncated ? [page.NextKeyMarker, page.NextUploadIdMarker] : [undefined, undefined];
  } while (keyMarker);
  return out;
}
