// Talking to a `digstore serve` gateway, for every client of one (the verified fetch, pull and clone): the
// gateway's base URL as given, and a GET whose failures are typed — unreachable or an HTTP error is a
// NetworkError (exit 6), a 404 a NotFoundError (exit 4). What comes back is still untrusted: callers verify it.
import { NetworkError, type NotFoundError, UsageError } from '../core/errors.js';

/** `http(s)://HOST[:PORT][/prefix]` without a trailing slash; no credentials, query or fragment. */
export function gatewayBase(text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UsageError(`'${text}' is not a URL`, 'give the gateway as http://HOST:PORT');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new UsageError(`'${text}' is not an http(s) URL`, 'give the gateway as http://HOST:PORT');
  if (u.username || u.password) throw new UsageError('a gateway URL must not carry credentials');
  if (u.search || u.hash) throw new UsageError(`the gateway URL '${text}' must not have a query or fragment`);
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

/** GETs `url` and returns a 200 response; `notFound` is the error a 404 becomes. */
export async function gatewayGet(
  url: string,
  { accept, notFound, signal }: { accept: string; notFound: NotFoundError; signal?: AbortSignal },
): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { signal, redirect: 'follow', headers: { Accept: accept } });
  } catch (e) {
    const cause = (e as { cause?: Error }).cause?.message ?? (e as Error).message;
    throw new NetworkError(`cannot reach ${url}: ${cause}`, 'check the gateway URL and that it is running');
  }
  if (res.status === 404) throw notFound;
  if (res.status !== 200) throw new NetworkError(`${url}: the gateway answered ${res.status} ${res.statusText}`);
  return res;
}
