import type { Logger } from '../../runtime/index.ts';
import type { ProjectFolders } from '../files/project-folders.ts';
import type { LiveHub } from '../live/hub.ts';
import type { ImageStore } from '../store/images.ts';
import type { ProjectStore } from '../store/projects.ts';
import type { RunStore } from '../store/runs.ts';
import { advertisedModels } from './capabilities.ts';
import { connectRedis, whenReady } from './redis.ts';
import { RedisRunQueue } from './redis-run-queue.ts';
import { WorkerDirectory } from './worker-directory.ts';

const STARTUP_WAIT_MS = 5000;

export interface Orchestrator {
  /** Stopping it closes the Redis connections too. */
  queue: RedisRunQueue;
  workers: WorkerDirectory;
}

/**
 * The pieces of `serve --redis`: connections, the live worker list and the queue that hands runs to
 * workers. The server starts even while Redis is away (history stays readable; new runs are refused).
 */
export async function createOrchestrator(
  url: string,
  deps: { runs: RunStore; projects: ProjectStore; images: ImageStore; folders: ProjectFolders; hub: LiveHub; dataDir: string; log: Logger },
): Promise<Orchestrator> {
  const { log } = deps;
  const redis = connectRedis(url, 'latentflow-server');
  let reachable = true;
  redis.on('error', (error: Error) => {
    if (reachable) log.error('Redis is unreachable: new runs are refused until it returns', { url, error: error.message });
    reachable = false;
  });
  redis.on('ready', () => {
    if (!reachable) log.info('Redis is back: queued runs go on', { url });
    reachable = true;
  });
  await whenReady(redis, STARTUP_WAIT_MS).catch((error: Error) => log.warn('Starting without Redis for now', { error: error.message }));
  const subscriber = redis.duplicate();
  subscriber.on('error', () => undefined);
  const workers = new WorkerDirectory(redis, log);
  const localModels = new Map<string, string>();
  void advertisedModels(deps.dataDir)
    .then((models) => models.forEach((model) => localModels.set(model.name, model.hash)))
    .catch((error: Error) => log.warn('Could not hash the server\'s own models; workers\' models are matched by name only', { error: error.message }));
  const closeConnections = async () => {
    subscriber.disconnect();
    await redis.quit().catch(() => redis.disconnect());
  };
  return { queue: new RedisRunQueue({ ...deps, redis, subscriber, workers, localModels, closeConnections }), workers };
}
