// A realistic task for the module workload: SHA-256 of a buffer with Node's own node:crypto, the kind of work people
// move to worker threads. The scenario's input says how big the buffer is; each thread builds it once.
import { createHash } from 'node:crypto';

/** One buffer per size, filled once per thread, so a task measures hashing rather than allocation. */
const buffers = new Map();

function bufferOf(bytes) {
  let buffer = buffers.get(bytes);
  if (!buffer) {
    buffer = Buffer.alloc(bytes);
    for (let i = 0; i < bytes; i++) buffer[i] = (i * 2654435761) >>> 24;
    buffers.set(bytes, buffer);
  }
  return buffer;
}

/** Hashes `input.bytes` bytes; returns the hex digest (the harness drops it and checks the task's id instead). */
export default function hash(input) {
  const bytes = input?.bytes;
  if (!Number.isInteger(bytes) || bytes < 1) throw new TypeError(`hash-task: input.bytes is ${JSON.stringify(bytes)}; allowed: an integer ≥ 1`);
  return createHash('sha256').update(bufferOf(bytes)).digest('hex');
}
