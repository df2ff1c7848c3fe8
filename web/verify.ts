// "Verify" in the browser: the CLI's own verified-fetch client (src/remote/verified-fetch.ts, bundled, not
// rewritten) asks this server for the file's verifiable response and checks the proof against the root with
// src/core; the chunks' bytes are hashed with WebCrypto's SHA-256.
import { fetchVerified } from '../src/remote/verified-fetch.js';

const webCryptoSha256 = async (data: Uint8Array): Promise<Uint8Array> =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', data));

export interface Verdict {
  valid: boolean;
  message: string;
}

/** Verifies the file at `gatewayPath` (`/STORE/ROOT/encoded/path`) against `root`. */
export async function verifyFile(gatewayPath: string, root: string): Promise<Verdict> {
  let bytes = 0;
  try {
    const r = await fetchVerified(
      `${location.origin}${gatewayPath}`,
      (b) => {
        bytes += b.length;
      },
      {
        root,
        hashChunk: webCryptoSha256,
      },
    );
    return { valid: true, message: `valid: all ${r.bytes} bytes of ${r.path} prove out against root ${r.root}` };
  } catch (e) {
    return { valid: false, message: `invalid: ${(e as Error).message} (${bytes} bytes had checked out)` };
  }
}
