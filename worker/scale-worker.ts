import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { createSessionPool, listBackends, type SessionPool } from '../runtime/backends/index.ts';
import { createExecutor, type Logger } from '../runtime/index.ts';
import { loadRegistry } from '../server/plugins.ts';
import { advertisedModels, poolKey } from '../server/scale/capabilities.ts';
import type { ModelAdvert, ResultJob, RunJob, WorkerInfo } from '../server/scale/protocol.ts';
import { connectRedis, KEY_PREFIX, keys, queueNames, whenReady, type Redis } from '../server/scale/redis.ts';
import { runJob, type JobRunnerDeps } from './job-runner.ts';
import { threadLimitedPool } from './thread-limited-pool.ts';
import { WorkerHeartbeat } from './worker-heartbeat.ts';

export interface ScaleWorkerOptions {
  redisUrl: string;
  /** Models (and vocabularies) live here, as for `latentflow run`. */
  dataDir: string;
  /** Where runs' input and output files are kept; default a folder under the system temp folder. */
  workDir?: string;
  /** The backends to offer; default every available one. */
  backends?: string[];
  concurrency?: number;
  name?: string;
  /** BullMQ lock duration: a worker that stops renewing its lock (killed) loses the run to another after this, checked as often. */
  lockMs?: number;
  /** ORT intra-op threads per session (default ORT's: one per core); set it when several workers share a machine. */
  threads?: number;
  pluginsDir?: string;
  log: Logger;
}

/** A coded problem with how the worker was asked to start (unknown backend, Redis unreachable). */
export class WorkerStartError extends Error {
  constructor(
    readonly code: 'backend_unavailable' | 'queue_unavailable',
    message: string,
  ) {
    super(message);
  }
}

const LATENTS_FLAG_CACHE_MS = 1000;

function chooseBackends(requested: string[] | undefined): string[] {
  const known = listBackends();
  const usable = known.filter((backend) => backend.available).map((backend) => backend.name);
  if (!requested) return usable;
  for (const name of requested) {
    const info = known.find((backend) => backend.name === name);
    if (!info?.available) {
      throw new WorkerStartError('backend_unavailable', `backend "${name}" is not available here${info?.reason ? `: ${info.reason}` : ''}; usable: ${usable.join(', ')}`);
    }
  }
  return requested;
}

/**
 * `latentflow worker`: takes runs from the BullMQ queue of its pool (workers with the same backends and
 * models), executes them with the same executor and nodes as the server, and streams them back. ONNX
 * inference runs on the session pool's worker threads, so the event loop stays free to renew job locks.
 */
export class ScaleWorker {
  private readonly id = crypto.randomUUID();
  private readonly active: JobRunnerDeps['active'] = new Map();
  private redis: Redis | undefined;
  private subscriber: Redis | undefined;
  private sessions: SessionPool | undefined;
  private bull: Worker<RunJob> | undefined;
  private results: Queue<ResultJob> | undefined;
  private heartbeat: WorkerHeartbeat | undefined;
  private latents = { wanted: false, checkedAt: 0 };
  info: WorkerInfo | undefined;

  constructor(private readonly options: ScaleWorkerOptions) {}

  async start(): Promise<WorkerInfo> {
    const { options } = this;
    const backends = chooseBackends(options.backends);
    const models: ModelAdvert[] = await advertisedModels(options.dataDir);
    const name = options.name ?? `${os.hostname()}-${process.pid}`;
    const pool = poolKey(backends, models);
    const concurrency = options.concurrency ?? 1;
    const startedAt = new Date().toISOString();
    this.info = { id: this.id, name, host: os.hostname(), backends, models, pool, concurrency, runs: [], startedAt };

    const redis = (this.redis = connectRedis(options.redisUrl, `latentflow-worker-${name}`));
    redis.on('error', (error: Error) => options.log.warn('Redis', { error: error.message }));
    await whenReady(redis, 10_000).catch((error: Error) => {
      redis.disconnect();
      throw new WorkerStartError('queue_unavailable', `cannot reach Redis at ${options.redisUrl}: ${error.message}`);
    });
    const subscriber = (this.subscriber = redis.duplicate());
    subscriber.on('error', () => undefined);
    subscriber.on('message', (_channel: string, runId: string) => this.active.get(runId)?.controller.abort());
    await subscriber.subscribe(keys.cancelChannel);

    const { registry } = await loadRegistry({ builtinNodes: true, plugins: [], pluginsDir: path.resolve(options.pluginsDir ?? 'plugins'), log: options.log });
    this.sessions = threadLimitedPool(createSessionPool({ logger: options.log }), options.threads);
    const executor = createExecutor({ registry, log: options.log });
    this.results = new Queue<ResultJob>(queueNames.results, { connection: redis, prefix: KEY_PREFIX });
    const deps: JobRunnerDeps = {
      executor,
      sessions: this.sessions,
      redis,
      results: this.results,
      dataDir: path.resolve(options.dataDir),
      workDir: path.resolve(options.workDir ?? path.join(os.tmpdir(), `latentflow-worker-${name}`)),
      workerName: name,
      active: this.active,
      latentsWanted: () => this.latentsWanted(),
    };
    this.heartbeat = new WorkerHeartbeat(redis, () => this.describe());
    await this.heartbeat.start();

    const lockMs = options.lockMs ?? 30_000;
    this.bull = new Worker<RunJob>(
      queueNames.pool(pool),
      async (job, token) => {
        const running = runJob(job, token, deps);
        void this.heartbeat?.beat().catch(() => undefined);
        try {
          return await running;
        } finally {
          void this.heartbeat?.beat().catch(() => undefined);
        }
      },
      { connection: redis, prefix: KEY_PREFIX, concurrency, lockDuration: lockMs, stalledInterval: lockMs, maxStalledCount: 2 },
    );
    this.bull.on('error', (error) => options.log.warn('Run queue', { error: error.message }));
    this.bull.on('failed', (job, error) => options.log.error('Run failed in the worker', { runId: job?.data.runId, error: error.message }));
    return this.info;
  }

  /**
   * Stops taking runs. Without `force` the runs in progress finish and are handed in first; with it they
   * are stopped and put back in the queue for another worker.
   */
  async close(force = false): Promise<void> {
    if (force) {
      for (const run of this.active.values()) {
        run.releasing = true;
        run.controller.abort();
      }
    }
    await this.bull?.close();
    await this.heartbeat?.stop();
    await this.results?.close();
    await this.sessions?.close();
    this.subscriber?.disconnect();
    await this.redis?.quit().catch(() => undefined);
  }

  private describe(): WorkerInfo {
    const runs = [...this.active].map(([runId, run]) => ({ runId, projectId: run.projectId, startedAt: run.startedAt }));
    return { ...(this.info as WorkerInfo), runs };
  }

  private latentsWanted(): boolean {
    const now = Date.now();
    if (now - this.latents.checkedAt > LATENTS_FLAG_CACHE_MS && this.redis) {
      this.latents.checkedAt = now;
      this.redis.exists(keys.latentsWanted).then((found) => (this.latents.wanted = found === 1)).catch(() => undefined);
    }
    return this.latents.wanted;
  }
}
