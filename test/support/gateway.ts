// `digstore serve` as a real process for tests: started on a free port, its URL read from stdout, its peak
// memory read from /proc, stopped with a signal; and raw HTTP over a socket for requests no client library
// would send.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { CLI } from '../helpers.js';

export interface Served {
  url: string;
  proc: ChildProcess;
  stderr: () => string;
  /** Peak resident memory (VmHWM) so far, in MB. */
  peakRssMB: () => number;
  /** Sends `signal` and resolves with the exit code once the process is gone. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

export function serve(home: string, args: string[] = []): Promise<Served> {
  const proc = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
    env: { ...process.env, DIGSTORE_HOME: home, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`digstore serve did not start: ${err}`)), 30_000);
    exited.then((code) => reject(new Error(`digstore serve exited (${code}): ${err}`)));
    proc.stdout!.on('data', (d) => {
      out += d;
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      resolve({
        url: out.trim(),
        proc,
        stderr: () => err,
        peakRssMB: () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))![1]) / 1024,
        stop: (signal = 'SIGTERM') => {
          proc.kill(signal);
          return exited;
        },
      });
    });
  });
}

/** Sends `raw` on a new connection; resolves with everything the server sent back before it closed or `ms`. */
export function rawRequest(url: string, raw: string | Buffer, ms = 5000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const s = connect(Number(port), hostname);
    let got = '';
    const finish = () => {
      s.destroy();
      resolve(got);
    };
    const timer = setTimeout(finish, ms);
    s.on('data', (d) => {
      got += d.toString('latin1');
      // One response is enough: a status line, headers, and the body its Content-Length announces.
      const m = /\r\n\r\n/.exec(got);
      const len = /content-length: (\d+)/i.exec(got);
      if (m && len && got.length >= m.index + 4 + Number(len[1])) {
        clearTimeout(timer);
        finish();
      }
    });
    s.on('error', (e) => {
      got += `\n(socket error: ${e.message})`;
    });
    s.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
    s.write(raw);
  });
}

/** The status code of a raw HTTP response ('' when there was none). */
export const statusOf = (response: string) => /^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1] ?? '';
