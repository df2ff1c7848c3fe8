// `serve`: the read-only HTTP gateway (src/serve, docs/http.md) over the stores under the store home. The
// URL it listens on is the result (stdout); one line per request goes to stderr (a JSON object with --json,
// nothing with -q). SIGINT or SIGTERM stops it after in-flight responses finish; a second signal at once.
import type { Command } from 'commander';
import { isHash } from '../../core/digest.js';
import { UsageError } from '../../core/errors.js';
import { resolveHome } from '../../store/home.js';
import { GATEWAY_DEFAULTS } from '../../serve/defaults.js';
import type { RequestLog } from '../../serve/server.js';
import { output } from '../context.js';
import { EXIT } from '../exit-codes.js';

function integer(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new UsageError(`${name} must be an integer from ${min} to ${max}, not '${value}'`);
  return n;
}

const humanLine = (l: RequestLog) =>
  `${l.time} ${l.remote} ${l.method} ${l.url} ${l.status} ${l.bytes < 0 ? 'cut' : `${l.bytes} B`} ${l.ms} ms${l.error ? ` (${l.error})` : ''}\n`;

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the stores read-only over HTTP: files, directories, history, proofs (docs/http.md)')
    .option('--host <address>', 'address to listen on (loopback unless you say otherwise)', GATEWAY_DEFAULTS.host)
    .option('--port <n>', 'port (0: any free port; the URL is printed)', String(GATEWAY_DEFAULTS.port))
    .option('--store <id...>', 'serve only these stores (default: every store in $DIGSTORE_HOME)')
    .option('--no-ui', 'no web UI: a browser asking for / gets the plain list of stores')
    .option(
      '--headers-timeout <ms>',
      'time a client has to send its request headers',
      String(GATEWAY_DEFAULTS.headersTimeoutMs),
    )
    .option('--idle-timeout <ms>', 'close a connection silent this long', String(GATEWAY_DEFAULTS.idleTimeoutMs))
    .action(
      async (
        flags: {
          host: string;
          port: string;
          store?: string[];
          ui: boolean;
          headersTimeout: string;
          idleTimeout: string;
        },
        cmd: Command,
      ) => {
        const out = output(cmd);
        for (const id of flags.store ?? [])
          if (!isHash(id)) throw new UsageError(`--store takes store IDs (64 lowercase hex), not '${id}'`);
        const home = resolveHome();
        const log = out.opts.quiet
          ? undefined
          : out.opts.json
            ? (l: RequestLog) => process.stderr.write(`${JSON.stringify(l)}\n`)
            : (l: RequestLog) => process.stderr.write(humanLine(l));
        const { startGateway } = await import('../../serve/server.js'); // node:http only for this command
        const gw = await startGateway({
          home,
          host: flags.host,
          port: integer(flags.port, '--port', 0, 65535),
          stores: flags.store,
          ui: flags.ui,
          headersTimeoutMs: integer(flags.headersTimeout, '--headers-timeout', 100, 3_600_000),
          idleTimeoutMs: integer(flags.idleTimeout, '--idle-timeout', 100, 86_400_000),
          log,
        }).catch((e: NodeJS.ErrnoException) => {
          if (e.code === 'EADDRINUSE')
            throw new UsageError(
              `${flags.host}:${flags.port} is already in use`,
              'pick another --port (0: any free one)',
            );
          if (e.code === 'EACCES')
            throw new UsageError(`not allowed to listen on ${flags.host}:${flags.port}`, 'use a port above 1023');
          throw e;
        });
        out.result(gw.url, { url: gw.url, home, stores: flags.store ?? null });
        out.note(
          `serving ${flags.store ? `${flags.store.length} store(s)` : 'every store'} of ${home} at ${gw.url}/ (Ctrl-C stops)`,
        );
        await new Promise<void>((resolve) => {
          let stopping = false;
          const stop = () => {
            if (stopping) process.exit(EXIT.INTERRUPTED); // a second signal: now
            stopping = true;
            gw.close().then(resolve);
          };
          process.on('SIGINT', stop).on('SIGTERM', stop);
        });
      },
    );
}
