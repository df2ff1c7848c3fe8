// `GET /STORE/export?since=G`: the generations after G as an export file (docs/format.md, "Export files"), what
// `digstore pull` and `clone` from a gateway import — and verify in full, trusting nothing the gateway says. The
// export is written to a temporary file first (export re-hashes every chunk it copies, so a damaged store answers
// 500 rather than a body the client would reject), then streamed with backpressure and removed.
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { exportArchive } from '../store/transfer.js';

export const EXPORT_MEDIA_TYPE = 'application/vnd.digstore.export';

export async function sendExport(req: IncomingMessage, res: ServerResponse, archive: string, since: number) {
  const dir = mkdtempSync(join(tmpdir(), 'digstore-serve-export-'));
  try {
    const file = join(dir, 'export.dig');
    const r = await exportArchive(archive, file, since);
    res.writeHead(200, {
      'Content-Type': EXPORT_MEDIA_TYPE,
      'Content-Length': String(r.bytes),
      'Cache-Control': 'no-cache',
      'X-Digstore-Root': r.root,
      'X-Digstore-Generation': String(r.toGeneration),
    });
    if (req.method === 'HEAD') return void res.end();
    await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), res).catch(() => res.destroy());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
