import type { Logger } from '../../runtime/index.ts';
import type { WorkerInfo } from './protocol.ts';
import { keys, type Redis } from './redis.ts';
import { canTake, type RunNeeds } from './requirements.ts';

const REFRESH_MS = 1000;

/**
 * The live workers as the server last read them from Redis (refreshed every second), so that queueing
 * a run can tell at once, without a round trip, whether any live worker could take it.
 */
export class WorkerDirectory {
  private workers: WorkerInfo[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly redis: Redis,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.refresh().catch(() => undefined);
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), REFRESH_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.listeners.clear();
  }

  list(): WorkerInfo[] {
    return this.workers;
  }

  /** Called after each refresh (the server re-sends runs that were waiting for a capable worker). */
  onRefresh(listener: () => void): void {
    this.listeners.add(listener);
  }

  /** The pools whose live workers can take a run with these needs. */
  poolsFor(needs: RunNeeds): { pool: string; slots: number }[] {
    const slots = new Map<string, number>();
    for (const worker of this.workers) {
      if (canTake(worker, needs)) slots.set(worker.pool, (slots.get(worker.pool) ?? 0) + worker.concurrency);
    }
    return [...slots].map(([pool, count]) => ({ pool, slots: count }));
  }

  async refresh(): Promise<void> {
    if (this.redis.status !== 'ready') return;
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', keys.workerPattern, 'COUNT', 200);
      found.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    const values = found.length > 0 ? await this.redis.mget(...found) : [];
    const workers: WorkerInfo[] = [];
    for (const value of values) {
      if (value === null) continue;
      try {
        workers.push(JSON.parse(value) as WorkerInfo);
      } catch {
        this.log.warn('Ignoring a worker entry that is not JSON', { value: value.slice(0, 80) });
      }
    }
    this.workers = workers.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    for (const listener of this.listeners) listener();
  }
}
