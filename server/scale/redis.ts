import { Redis } from 'ioredis';

/** Every key latentflow writes (BullMQ's queues included) starts with this. */
export const KEY_PREFIX = 'latentflow';

export const keys = {
  /** One string per live worker, its WorkerInfo as JSON, expiring unless the worker renews it. */
  worker: (workerId: string) => `${KEY_PREFIX}:workers:${workerId}`,
  workerPattern: `${KEY_PREFIX}:workers:*`,
  /** Run id -> the pool queue it was sent to, so a re-sent run goes to the same queue (jobs dedupe by run id there). */
  dispatch: `${KEY_PREFIX}:dispatch`,
  /** Set when a run is cancelled; a worker that takes the run afterwards skips it. */
  cancelled: (runId: string) => `${KEY_PREFIX}:cancelled:${runId}`,
  /** Present while some WebSocket client asked for latent previews; workers send latents only then. */
  latentsWanted: `${KEY_PREFIX}:latents-wanted`,
  /** Pub/sub: workers publish run events here, the server relays them to its WebSocket clients. */
  eventsChannel: `${KEY_PREFIX}:events`,
  /** Pub/sub: the server publishes the id of a run to stop here. */
  cancelChannel: `${KEY_PREFIX}:cancel`,
};

/** BullMQ queue names (under KEY_PREFIX): one queue per worker pool, and the results queue the server drains. */
export const queueNames = {
  pool: (pool: string) => `runs-${pool}`,
  results: 'results',
};

/**
 * A connection that retries forever and queues commands while Redis is away (BullMQ's requirement for
 * workers, and what lets runs resume when Redis returns). Callers that must fail fast check `status`.
 */
export function connectRedis(url: string, name: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    connectionName: name,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}

/** Resolves once the connection is ready, or rejects with why after `timeoutMs`. */
export function whenReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError: Error | undefined;
    const onError = (error: Error) => (lastError = error);
    const timer = setTimeout(() => {
      redis.off('error', onError);
      reject(new Error(`Redis did not answer within ${timeoutMs} ms${lastError ? `: ${lastError.message}` : ''}`));
    }, timeoutMs);
    redis.on('error', onError);
    redis.once('ready', () => {
      clearTimeout(timer);
      redis.off('error', onError);
      resolve();
    });
  });
}

export type { Redis };
