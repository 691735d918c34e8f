import type { WorkerInfo } from '../server/scale/protocol.ts';
import { keys, type Redis } from '../server/scale/redis.ts';

const BEAT_MS = 2000;
/** A worker that stopped renewing (killed, cut off) drops out of GET /api/workers after this. */
const ENTRY_TTL_MS = 6000;

/** Keeps this worker's entry in Redis fresh, with what it is running now. */
export class WorkerHeartbeat {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly info: () => WorkerInfo,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch(() => undefined), BEAT_MS);
  }

  /** Renews the entry now (e.g. when a run starts, so the server's list shows it at once). */
  async beat(): Promise<void> {
    const info = this.info();
    await this.redis.set(keys.worker(info.id), JSON.stringify(info), 'PX', ENTRY_TTL_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.del(keys.worker(this.info().id)).catch(() => undefined);
  }
}
