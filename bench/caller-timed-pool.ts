import type { ModelSession, SessionPool } from '../runtime/backends/index.ts';

/** A pool whose sessions add up how long each run() took as the caller saw it (ORT time plus the thread hand-off). */
export function callerTimedPool(pool: SessionPool): { pool: SessionPool; callerMs: () => number; reset: () => void } {
  let total = 0;
  const timed = (session: ModelSession): ModelSession => ({
    modelPath: session.modelPath,
    backend: session.backend,
    inputs: session.inputs,
    outputs: session.outputs,
    async run(feeds, options) {
      const started = performance.now();
      try {
        return await session.run(feeds, options);
      } finally {
        total += performance.now() - started;
      }
    },
  });
  return {
    pool: { ...pool, open: async (path, options) => timed(await pool.open(path, options)) },
    callerMs: () => total,
    reset: () => { total = 0; },
  };
}
