// A small task module for the README's thread-engine examples (compiled to dist/impls/home/example-tasks.js).
import { threadId } from 'node:worker_threads';

/** Default export: the nth Fibonacci number, computed the slow way (CPU-bound on purpose). */
export default function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/** Which thread ran the task. */
export function whichThread(): number {
  return threadId;
}

/** Waits `ms`, honouring the pool's cancel signal. */
export function pause(ms: number, context: { signal: AbortSignal }): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(`paused ${ms} ms`), ms);
    context.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('cancelled'));
    });
  });
}

/** Exits its worker thread, as a crash would. */
export function crash(): never {
  process.exit(1);
}
