import { Queue, QueueEvents } from 'bullmq';
import type { Logger, Workflow } from '../../runtime/index.ts';
import { noWorkerAvailable, queueUnavailable, runLost, runNotCancellable } from '../errors.ts';
import type { ProjectFolders } from '../files/project-folders.ts';
import type { LiveHub } from '../live/hub.ts';
import type { RunQueue } from '../run-queue.ts';
import type { ImageStore } from '../store/images.ts';
import type { ProjectStore } from '../store/projects.ts';
import type { RunRecord, RunStore, RunSummary } from '../store/runs.ts';
import { EventRelay } from './event-relay.ts';
import type { RunJob } from './protocol.ts';
import { KEY_PREFIX, keys, queueNames, type Redis } from './redis.ts';
import { describeNeeds, needsOf, type RunNeeds } from './requirements.ts';
import { ResultIntake } from './result-intake.ts';
import { inputFilesOf } from './run-files.ts';
import type { WorkerDirectory } from './worker-directory.ts';

export interface RedisRunQueueDeps {
  runs: RunStore;
  projects: ProjectStore;
  images: ImageStore;
  folders: ProjectFolders;
  hub: LiveHub;
  log: Logger;
  /** Commands and BullMQ queues. */
  redis: Redis;
  /** Pub/sub (a subscribed connection can do nothing else). */
  subscriber: Redis;
  workers: WorkerDirectory;
  /** Content hashes of the models the server itself has, by name: workers must have the same. */
  localModels: Map<string, string>;
  /** Called last by stop(). */
  closeConnections(): Promise<void>;
}

const CANCEL_MARKER_SECONDS = 24 * 3600;
const LATENTS_FLAG_MS = 2000;
const CANCEL_WAIT_MS = 30_000;
const JOB_OPTIONS = { removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 } };

/**
 * The run queue of `serve --redis`: SQLite stays the record of every run, BullMQ on Redis carries them to
 * workers on other machines. Each run goes to the queue of a pool of workers that have what it needs
 * (backend, models); refused at once when no live worker has. Runs are sent with their id as job id, so
 * sending one again (after a restart, or when Redis returns) never makes a second job.
 */
export class RedisRunQueue implements RunQueue {
  private readonly queues = new Map<string, Queue<RunJob>>();
  private readonly queueEvents: QueueEvents[] = [];
  /** Runs recorded as queued that no pool queue holds yet (no capable worker, or Redis away). */
  private readonly unsent = new Set<string>();
  private sending = false;
  private sendAgain = false;
  /** Run id -> pool, for runs sent and not yet ended: how busy each pool is. */
  private readonly outstanding = new Map<string, string>();
  private readonly relay: EventRelay;
  private readonly intake: ResultIntake;
  private latentsTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: RedisRunQueueDeps) {
    this.relay = new EventRelay(deps);
    this.intake = new ResultIntake({ ...deps, onSettled: (runId) => this.settled(runId) });
  }

  start(): void {
    const { subscriber, redis, workers, runs, log } = this.deps;
    subscriber.on('message', (channel: string, text: string) => {
      if (channel === keys.eventsChannel) this.relay.receive(text);
    });
    subscriber.subscribe(keys.eventsChannel).catch((error: Error) => log.error('Could not subscribe to worker events', { error: error.message }));
    this.intake.start();
    workers.onRefresh(() => this.sendWaiting());
    redis.on('ready', () => this.sendWaiting());
    for (const run of runs.unfinished()) this.unsent.add(run.id);
    void workers.start().then(() => this.sendWaiting());
    this.latentsTimer = setInterval(() => {
      if (this.deps.hub.wantsLatents() && redis.status === 'ready') redis.set(keys.latentsWanted, '1', 'PX', LATENTS_FLAG_MS * 2).catch(() => undefined);
    }, LATENTS_FLAG_MS).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.latentsTimer);
    this.deps.workers.stop();
    await this.intake.close();
    await Promise.all([...this.queues.values(), ...this.queueEvents].map((queue) => queue.close()));
    await this.deps.closeConnections();
  }

  enqueue(projectId: string, workflow: Workflow, workflowName?: string): RunRecord {
    const { redis, runs, projects, hub, workers } = this.deps;
    if (redis.status !== 'ready') throw queueUnavailable(`connection ${redis.status}`);
    const project = projects.get(projectId);
    const needs = needsOf(workflow, project.hardware, (name) => this.deps.localModels.get(name));
    if (this.choosePool(needs) === undefined) throw noWorkerAvailable(describeNeeds(needs), workers.list().length);
    const run = runs.insert({ projectId, workflow, workflowName });
    hub.publish(projectId, { type: 'run_queued', runId: run.id, time: Date.now() });
    this.unsent.add(run.id);
    this.sendWaiting();
    return run;
  }

  counts(): { running: number; queued: number } {
    return this.deps.runs.counts();
  }

  withLiveNodes<R extends RunSummary>(run: R): R {
    const nodes = run.status === 'running' ? this.relay.liveNodes.get(run.id) : undefined;
    return nodes ? { ...run, nodes: { ...nodes } } : run;
  }

  cancel(runId: string): RunRecord {
    const { runs, hub } = this.deps;
    const run = runs.get(runId);
    if (runs.cancelQueued(runId)) {
      hub.publish(run.projectId, { type: 'run_cancelled', runId, time: Date.now() });
      this.unsent.delete(runId);
      void this.stopEverywhere(runId, true);
    } else if (run.status === 'running') {
      void this.stopEverywhere(runId, false);
    } else {
      throw runNotCancellable(runId, run.status);
    }
    return runs.get(runId);
  }

  interrupt(): string | null {
    const running = this.deps.runs.runningIds();
    for (const runId of running) this.cancel(runId);
    return running[0] ?? null;
  }

  async cancelProject(projectId: string): Promise<void> {
    const { runs } = this.deps;
    for (const runId of [...runs.queuedIds(projectId), ...runs.runningIds(projectId)]) this.cancel(runId);
    const deadline = Date.now() + CANCEL_WAIT_MS;
    while (runs.runningIds(projectId).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  }

  /** A worker that has the run stops it; one that takes it later skips it; a job still waiting is removed. */
  private async stopEverywhere(runId: string, removeJob: boolean): Promise<void> {
    const { redis, log } = this.deps;
    try {
      await redis.set(keys.cancelled(runId), '1', 'EX', CANCEL_MARKER_SECONDS);
      await redis.publish(keys.cancelChannel, runId);
      const pool = removeJob ? await redis.hget(keys.dispatch, runId) : null;
      if (pool) await this.queueFor(pool).remove(runId);
    } catch (error) {
      log.warn('Could not pass a cancel on to the workers', { runId, error: (error as Error).message });
    }
    if (removeJob) this.outstanding.delete(runId);
  }

  /** BullMQ gave up on a run (it stalled too often, or the worker could not hand it in): it ends failed. */
  private lost(runId: string, reason: string): void {
    const { runs, hub } = this.deps;
    const run = runs.find(runId);
    const error = runLost(runId, reason);
    if (!run || !runs.finishOnce(runId, { status: 'failed', error: { code: error.code, message: error.message }, nodes: this.relay.liveNodes.get(runId) ?? {} })) return;
    hub.publish(run.projectId, { type: 'run_failed', runId, time: Date.now(), error: { code: error.code, message: error.message } });
    this.settled(runId);
  }

  private settled(runId: string): void {
    this.outstanding.delete(runId);
    this.relay.liveNodes.delete(runId);
    this.deps.redis.hdel(keys.dispatch, runId).catch(() => undefined);
  }

  /** The least busy pool, for its size, whose workers can take a run with these needs. */
  private choosePool(needs: RunNeeds): string | undefined {
    const busy = new Map<string, number>();
    for (const pool of this.outstanding.values()) busy.set(pool, (busy.get(pool) ?? 0) + 1);
    let best: { pool: string; load: number } | undefined;
    for (const { pool, slots } of this.deps.workers.poolsFor(needs)) {
      const load = (busy.get(pool) ?? 0) / slots;
      if (!best || load < best.load) best = { pool, load };
    }
    return best?.pool;
  }

  private queueFor(pool: string): Queue<RunJob> {
    let queue = this.queues.get(pool);
    if (!queue) {
      queue = new Queue<RunJob>(queueNames.pool(pool), { connection: this.deps.redis, prefix: KEY_PREFIX });
      queue.on('error', (error) => this.deps.log.warn('Run queue', { pool, error: error.message }));
      this.queues.set(pool, queue);
      const events = new QueueEvents(queueNames.pool(pool), { connection: this.deps.redis, prefix: KEY_PREFIX });
      events.on('error', () => undefined);
      events.on('failed', ({ jobId, failedReason }) => this.lost(jobId, failedReason));
      this.queueEvents.push(events);
    }
    return queue;
  }

  /** Sends the waiting runs one after another, oldest first, so workers take them in the order they were queued. */
  private sendWaiting(): void {
    if (this.deps.redis.status !== 'ready') return;
    if (this.sending) {
      this.sendAgain = true;
      return;
    }
    this.sending = true;
    void (async () => {
      do {
        this.sendAgain = false;
        for (const runId of [...this.unsent]) {
          try {
            if (await this.send(runId)) this.unsent.delete(runId);
          } catch (error) {
            this.deps.log.warn('Could not send a run to the workers yet', { runId, error: (error as Error).message });
            break;
          }
        }
      } while (this.sendAgain && this.deps.redis.status === 'ready');
      this.sending = false;
    })();
  }

  /** Sends a queued (or, after a restart, running) run to its pool's queue; false while no pool can take it. */
  private async send(runId: string): Promise<boolean> {
    const { runs, projects, redis, folders } = this.deps;
    const run = runs.find(runId);
    const project = run && projects.find(run.projectId);
    if (!run || !project || (run.status !== 'queued' && run.status !== 'running')) return true;
    const workflow = run.workflow as Workflow;
    let pool = await redis.hget(keys.dispatch, runId);
    if (!pool) {
      const chosen = this.choosePool(needsOf(workflow, project.hardware, (name) => this.deps.localModels.get(name)));
      if (!chosen) return false;
      await redis.hsetnx(keys.dispatch, runId, chosen);
      pool = (await redis.hget(keys.dispatch, runId)) as string;
    }
    const job: RunJob = { runId, projectId: project.id, workflow, backend: project.hardware, inputs: await inputFilesOf(workflow, folders.inputs(project.id)) };
    await this.queueFor(pool).add('run', job, { ...JOB_OPTIONS, jobId: runId });
    this.outstanding.set(runId, pool);
    return true;
  }
}
