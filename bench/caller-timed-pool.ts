import type { ModelSession, SessionPool } from '../runtime/backends/index.ts';

export interface CallerTimedPool {
  pool: SessionPool;
  /** Summed run() and runProgram() time as the callers saw it (ORT time plus the thread hand-off, and a program's own work). */
  callerMs(): number;
  /** Summed time spent in open() (loading models). */
  openMs(): number;
  reset(): void;
}

/** Wraps a pool to add up, from the caller's side, how long opening and running sessions took. */
export function callerTimedPool(pool: SessionPool): CallerTimedPool {
  let total = 0;
  let opening = 0;
  const timed = (session: ModelSession): ModelSession => ({
    modelPath: session.modelPath,
    backend: session.backend,
    inputs: session.inputs,
    outputs: session.outputs,
    settings: session.settings,
    async run(feeds, options) {
      const started = performance.now();
      try {
        return await session.run(feeds, options);
      } finally {
        total += performance.now() - started;
      }
    },
    async runProgram(program, input, options) {
      const started = performance.now();
      try {
        return await session.runProgram(program, input, options);
      } finally {
        total += performance.now() - started;
      }
    },
  });
  return {
    pool: {
      ...pool,
      async open(path, options) {
        const started = performance.now();
        try {
          return timed(await pool.open(path, options));
        } finally {
          opening += performance.now() - started;
        }
      },
    },
    callerMs: () => total,
    openMs: () => opening,
    reset: () => { total = 0; opening = 0; },
  };
}
