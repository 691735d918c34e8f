import type { SessionPool } from '../runtime/backends/index.ts';

/**
 * A session pool whose sessions use at most `threads` ORT intra-op threads unless a node asks otherwise:
 * several workers on one machine then share its cores instead of each spinning one thread per core.
 */
export function threadLimitedPool(pool: SessionPool, threads: number | undefined): SessionPool {
  if (threads === undefined) return pool;
  return {
    open: (modelPath, options = {}) => pool.open(modelPath, { intraOpThreads: threads, ...options }),
    release: (modelPath) => pool.release(modelPath),
    vacate: (group) => pool.vacate(group),
    backends: () => pool.backends(),
    close: () => pool.close(),
  };
}
