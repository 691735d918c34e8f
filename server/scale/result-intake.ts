import { Worker, type Job } from 'bullmq';
import type { Logger, RunEvent } from '../../runtime/index.ts';
import type { ProjectFolders } from '../files/project-folders.ts';
import type { LiveHub } from '../live/hub.ts';
import { collectOutputs } from '../run-outputs.ts';
import type { ImageStore } from '../store/images.ts';
import type { RunResult, RunStore } from '../store/runs.ts';
import type { ResultJob } from './protocol.ts';
import { KEY_PREFIX, queueNames, type Redis } from './redis.ts';
import { renameOutputs, storeOutputFile } from './run-files.ts';

export interface ResultIntakeDeps {
  runs: RunStore;
  images: ImageStore;
  folders: ProjectFolders;
  hub: LiveHub;
  log: Logger;
  redis: Redis;
  /** Called once a run's ending is recorded. */
  onSettled(runId: string): void;
}

/**
 * Takes in what workers hand back when a run ends (a BullMQ queue, so nothing is lost while the server is
 * down): stores the images in the project's output folder, records the run, then tells WebSocket clients.
 * A result for a run that already ended (a retried run finishing twice) changes nothing.
 */
export class ResultIntake {
  private worker: Worker<ResultJob> | undefined;

  constructor(private readonly deps: ResultIntakeDeps) {}

  start(): void {
    this.worker = new Worker<ResultJob>(queueNames.results, (job) => this.take(job), {
      connection: this.deps.redis,
      prefix: KEY_PREFIX,
      concurrency: 1,
      removeOnComplete: { count: 0 },
    });
    this.worker.on('error', (error) => this.deps.log.warn('Result queue', { error: error.message }));
    this.worker.on('failed', (job, error) => this.deps.log.error('Could not record a run result', { runId: job?.data.runId, error: error.message }));
  }

  async close(): Promise<void> {
    await this.worker?.close();
  }

  private async take(job: Job<ResultJob>): Promise<string> {
    const { runId, projectId, outcome, files, worker, attempt } = job.data;
    const { runs, hub } = this.deps;
    const run = runs.find(runId);
    if (!run || (run.status !== 'queued' && run.status !== 'running')) return 'already-ended';
    runs.recordAttempt(runId, { attempt, worker, startedAt: new Date(job.timestamp).toISOString() });

    const result: RunResult = { status: outcome.status, nodes: outcome.nodes };
    if (outcome.error) result.error = outcome.error;
    let outputs = outcome.outputs ?? {};
    if (outcome.status === 'finished') {
      const dir = this.deps.folders.outputs(projectId);
      await this.deps.folders.ensure(projectId);
      const renamed = new Map<string, string>();
      for (const file of files) {
        const stored = await storeOutputFile(dir, file.filename, Buffer.from(file.data, 'base64'));
        if (stored !== file.filename) renamed.set(file.filename, stored);
      }
      outputs = renameOutputs(outputs, renamed);
      result.outputs = collectOutputs(projectId, outputs);
    }
    if (!runs.finishOnce(runId, result)) return 'already-ended';
    for (const image of result.outputs?.images ?? []) this.deps.images.record(projectId, image.filename, { runId, nodeId: image.nodeId });
    hub.publish(projectId, endEvent(runId, outcome.status, result, outputs, outcome.durationMs ?? 0));
    this.deps.onSettled(runId);
    return 'recorded';
  }
}

function endEvent(runId: string, status: RunResult['status'], result: RunResult, outputs: Record<string, unknown>, durationMs: number): RunEvent {
  const time = Date.now();
  if (status === 'finished') return { type: 'run_finished', runId, time, durationMs, outputs };
  if (status === 'failed') return { type: 'run_failed', runId, time, error: result.error ?? { code: 'internal_error', message: 'The run failed without saying why' } };
  return { type: 'run_cancelled', runId, time };
}
