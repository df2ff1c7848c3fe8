// A response whose body is already in memory (JSON, a listing, an error, a UI file): status, type, length and
// the caller's headers, the body left out for HEAD.
import type { IncomingMessage, ServerResponse } from 'node:http';

export function sendBody(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  type: string,
  body: Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { ...headers, 'Content-Type': type, 'Content-Length': String(body.length) });
  res.end(req.method === 'HEAD' ? undefined : body);
}
