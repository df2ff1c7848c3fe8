// Which transport a remote URL names: s3://BUCKET[/PREFIX] and file:///DIR are object stores (push, pull,
// clone); a gateway's http(s)://HOST is read through the gateway client. A URL carrying credentials is refused:
// S3 credentials come only from the AWS settings and are never written anywhere.
import { UsageError } from '../core/errors.js';
import { FileObjectStore } from './file-store.js';
import type { ObjectStore } from './object-store.js';
import { S3ObjectStore } from './s3-store.js';

/** Refuses what is not a remote URL digstore can use, and any URL carrying credentials. */
export function checkRemoteUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`'${url}' is not a URL`, 'use s3://BUCKET[/PREFIX], file:///DIR or http(s)://HOST:PORT');
  }
  if (u.username || u.password)
    throw new UsageError('a remote URL must not carry credentials', 'S3 credentials come from the AWS settings');
  if (!['file:', 's3:', 'http:', 'https:'].includes(u.protocol))
    throw new UsageError(`'${url}': remotes are s3://BUCKET[/PREFIX], file:///DIR or a gateway's http(s)://HOST`);
  if (u.protocol === 's3:') new S3ObjectStore(url); // its bucket name and options, checked now (no request is made)
  return url;
}

/** A gateway (`digstore serve`): pulled and cloned from, never pushed to. */
export const isGateway = (url: string) => /^https?:\/\//i.test(url);

/** The object store a URL names (not a gateway: those are read through the gateway client). */
export function openRemote(url: string): ObjectStore {
  if (isGateway(checkRemoteUrl(url)))
    throw new UsageError(`${url} is a gateway: pull and clone from it, push elsewhere`);
  return url.startsWith('s3://') ? new S3ObjectStore(url) : new FileObjectStore(url);
}
