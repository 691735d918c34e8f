import { createSessionPool } from '../runtime/backends/index.ts';
import type { ModelSession, SessionOptions, SessionPool, Tensor } from '../runtime/backends/index.ts';

/** A session whose runs are timed by ORT itself (the `onInference` hook), not by the caller. */
export interface TimedSession {
  session: ModelSession;
  /** Runs once and returns the outputs with the milliseconds ORT's run() took. */
  run(feeds: Record<string, Tensor>): Promise<{ outputs: Record<string, Tensor>; ms: number }>;
  close(): Promise<void>;
}

export async function openTimed(modelPath: string, options: SessionOptions = {}): Promise<TimedSession> {
  let lastMs = Number.NaN;
  const pool: SessionPool = createSessionPool({ onInference: (timing) => { lastMs = timing.durationMs; } });
  const session = await pool.open(modelPath, { backend: 'cpu', ...options });
  return {
    session,
    async run(feeds) {
      const outputs = await session.run(feeds);
      return { outputs, ms: lastMs };
    },
    close: () => pool.close(),
  };
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
