// Worker thread entry: runs CPU jobs (FastCDC + SHA-256) for the main thread. No I/O happens here.
import { parentPort } from 'node:worker_threads';
import { serializeError } from '../core/errors.js';
import { handleJob, newJobState, transferables, type Job, type JobState } from './jobs.js';

const state: JobState = newJobState();
parentPort!.on('message', (msg: { id: number; job: Job }) => {
  try {
    const reply = handleJob(msg.job, state);
    parentPort!.postMessage({ id: msg.id, reply }, transferables(reply));
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: serializeError(e) }); // typed: the pool rebuilds the same error
  }
});
