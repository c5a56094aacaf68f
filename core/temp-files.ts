// Temporary files that are about to be renamed into place. If the process is stopped hard in between (a second
// Ctrl-C), the exit path removes them, so no half-written page or results file is left behind.
import { rmSync } from 'node:fs';

const pending = new Set<string>();

export function trackTemporary(path: string): void {
  pending.add(path);
}

export function untrackTemporary(path: string): void {
  pending.delete(path);
}

export function removeTrackedTemporaries(): void {
  for (const path of pending) rmSync(path, { force: true });
  pending.clear();
}
