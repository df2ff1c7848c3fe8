// Verified downloads through an HTTP gateway (remote/verified-fetch.ts): to a function, or to a file that
// appears (atomically) only once every byte in it has proven out against the trusted root.
import { resolve } from 'node:path';
import { writeAllToFd } from '../store/fs-utils.js';
import { writeFileAtomically } from '../retrieve/atomic-file.js';
import { type FetchOptions, type FetchResult, fetchVerified } from '../remote/verified-fetch.js';

export { fetchVerified, type FetchOptions, type FetchResult } from '../remote/verified-fetch.js';

/**
 * Downloads what `target` names into `file`: nothing is written there unless all of it verified.
 * @example await fetchToFile(`${gateway}/${storeId}/${root}/site/index.html`, 'index.html')
 */
export async function fetchToFile(target: string, file: string, opts: FetchOptions = {}): Promise<FetchResult> {
  let result: FetchResult | undefined;
  await writeFileAtomically(resolve(file), async (write) => {
    result = await fetchVerified(target, write, opts);
  });
  return result!;
}

/** Downloads what `target` names to an open file descriptor (1: standard output), verified chunk by chunk. */
export function fetchToFd(target: string, fd: number, opts: FetchOptions = {}): Promise<FetchResult> {
  return fetchVerified(target, (b) => writeAllToFd(fd, b), opts);
}
