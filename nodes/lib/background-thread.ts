import { getPriority, setPriority } from 'node:os';

/**
 * Lowers the calling worker thread's scheduling priority (on Linux, pid 0 is this thread only), so
 * on a machine with few cores the main thread keeps answering requests while a worker decodes or
 * converts. Where the OS refuses, the worker simply keeps its priority.
 */
export function runInBackground(): void {
  try {
    setPriority(0, Math.min(19, getPriority(0) + 10));
  } catch {
    // not permitted here (some containers): same priority as the main thread
  }
}
