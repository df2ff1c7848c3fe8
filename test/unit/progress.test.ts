import { describe, expect, it } from 'vitest';
import { Throttle, type ProgressEvent } from '../../src/ingest/progress.js';
import { formatProgress, formatWork, MAX_UPDATES_PER_SECOND, progressSink } from '../../src/cli/progress.js';

const ev = (n: number): ProgressEvent => ({
  type: 'progress',
  phase: 'add',
  filesDone: n,
  filesTotal: 1000,
  bytesDone: n,
  bytesTotal: 1000,
  elapsedMs: n,
});

describe('progress throttling', () => {
  it('emits at most 10 frames per second of (fake) clock, and the final state on flush', () => {
    let now = 0;
    const frames: Array<[number, number]> = [];
    const t = new Throttle<ProgressEvent>(
      1000 / MAX_UPDATES_PER_SECOND,
      (e) => frames.push([now, e.filesDone]),
      () => now,
    );
    for (let i = 1; i <= 1000; i++) {
      now += 3; // an event every 3 ms for 3 seconds
      t.push(ev(i));
    }
    t.flush();
    expect(frames.length).toBeLessThanOrEqual(3 * MAX_UPDATES_PER_SECOND + 1);
    expect(frames.length).toBeGreaterThanOrEqual(3 * MAX_UPDATES_PER_SECOND - 1);
    for (let i = 1; i < frames.length - 1; i++) expect(frames[i][0] - frames[i - 1][0]).toBeGreaterThanOrEqual(100);
    expect(frames[frames.length - 1][1]).toBe(1000);
  });

  it('in any one second window there are never more than 10 frames', () => {
    let now = 0;
    const times: number[] = [];
    const sink = progressSink(
      'tty',
      () => times.push(now),
      formatProgress,
      () => now,
    );
    for (let i = 0; i < 5000; i++) {
      now += Math.floor(Math.abs(Math.sin(i)) * 7);
      sink.onProgress(ev(i));
    }
    for (let i = 0; i < times.length; i++) {
      const inWindow = times.filter((t) => t >= times[i] && t < times[i] + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(MAX_UPDATES_PER_SECOND);
    }
  });

  it('prints nothing when off', () => {
    const out: string[] = [];
    const sink = progressSink('off', (s) => out.push(s), formatProgress);
    sink.onProgress(ev(1));
    sink.done();
    expect(out).toEqual([]);
  });
});

describe('long-operation progress line', () => {
  it('names the phase, bytes done of all, rate and ETA', () => {
    const line = formatWork({
      type: 'progress',
      phase: 'verify',
      bytesDone: 512 << 20,
      bytesTotal: 1 << 30,
      elapsedMs: 1000,
    });
    expect(line).toBe('verify 512.0 MiB/1.0 GiB, 536.9 MB/s ETA 1s');
  });
});
