import fs from 'node:fs/promises';
import path from 'node:path';
import { WaitingError, type Job, type Queue } from 'bullmq';
import type { SessionPool } from '../runtime/backends/index.ts';
import type { Executor, RunEvent } from '../runtime/index.ts';
import { writeFileAtomic } from '../server/files/atomic-write.ts';
import type { NodeOutcome } from '../server/store/runs.ts';
import { toWirePreview, type EventMessage, type LiveEvent, type ResultJob, type RunJob, type RunOutcome } from '../server/scale/protocol.ts';
import { keys, type Redis } from '../server/scale/redis.ts';
import { outputFileNames } from '../server/scale/run-files.ts';

export interface JobRunnerDeps {
  executor: Executor;
  sessions: SessionPool;
  redis: Redis;
  results: Queue<ResultJob>;
  dataDir: string;
  /** Each project's inputs and outputs live under `<workDir>/projects/<id>/`, kept across runs (the executor's cache refers to them). */
  workDir: string;
  workerName: string;
  /** Runs this worker is executing now, to stop one when the server says so. */
  active: Map<string, ActiveRun>;
  latentsWanted(): boolean;
}

export interface ActiveRun {
  projectId: string;
  startedAt: string;
  controller: AbortController;
  /** Set when the worker shuts down without finishing: the run goes back to the queue for another worker. */
  releasing?: boolean;
}

const RESULT_OPTIONS = { removeOnComplete: true, removeOnFail: { age: 24 * 3600 } };

/** Writes the run's input files into the project's input folder, leaving files with the same bytes untouched (their mtime keeps the cache valid). */
async function placeInputs(dir: string, inputs: Record<string, string>): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  for (const [name, data] of Object.entries(inputs)) {
    const bytes = Buffer.from(data, 'base64');
    const file = path.join(dir, path.basename(name));
    const existing = await fs.readFile(file).catch(() => undefined);
    if (!existing?.equals(bytes)) await writeFileAtomic(file, bytes);
  }
}

/**
 * Runs one job with the worker's executor, streaming its events to the server, then hands in the outcome
 * with the files its output nodes wrote. Returns how the run ended.
 */
export async function runJob(job: Job<RunJob>, token: string | undefined, deps: JobRunnerDeps): Promise<string> {
  const { runId, projectId, workflow, backend, inputs } = job.data;
  const attempt = job.attemptsStarted;
  const handIn = (outcome: RunOutcome, files: ResultJob['files']) =>
    deps.results.add('result', { runId, projectId, worker: deps.workerName, attempt, outcome, files }, { ...RESULT_OPTIONS, jobId: runId });

  if (await deps.redis.exists(keys.cancelled(runId))) {
    await handIn({ status: 'cancelled', nodes: {} }, []);
    return 'cancelled';
  }
  const projectDir = path.join(deps.workDir, 'projects', path.basename(projectId));
  const inputDir = path.join(projectDir, 'inputs');
  const outputDir = path.join(projectDir, 'outputs');
  await placeInputs(inputDir, inputs);
  await fs.mkdir(outputDir, { recursive: true });

  const controller = new AbortController();
  const active: ActiveRun = { projectId, startedAt: new Date().toISOString(), controller };
  deps.active.set(runId, active);
  const nodes: Record<string, NodeOutcome> = {};
  const publish = (event: LiveEvent) => {
    const message: EventMessage = { projectId, worker: deps.workerName, attempt, event };
    deps.redis.publish(keys.eventsChannel, JSON.stringify(message)).catch(() => undefined);
  };
  const onEvent = (event: RunEvent) => {
    switch (event.type) {
      case 'run_finished':
      case 'run_failed':
      case 'run_cancelled':
        return; // the server announces the ending once it has recorded it
      case 'node_preview':
        if (event.preview.kind === 'latent' && !deps.latentsWanted()) return;
        publish({ ...event, preview: toWirePreview(event.preview) });
        return;
      case 'node_finished':
        nodes[event.nodeId] = { status: 'finished', durationMs: event.durationMs };
        break;
      case 'node_cached':
        nodes[event.nodeId] = { status: 'cached' };
        break;
      case 'node_failed':
        nodes[event.nodeId] = { status: 'failed' };
        break;
    }
    publish(event);
  };

  const started = performance.now();
  try {
    const env = { dataDir: deps.dataDir, outputDir, inputDir, backend, workflow, sessions: deps.sessions };
    const result = await deps.executor.run(workflow, { env, signal: controller.signal, runId, onEvent });
    const durationMs = performance.now() - started;
    if (active.releasing) {
      await job.moveToWait(token);
      throw new WaitingError();
    }
    if (result.status === 'finished') {
      const files = await Promise.all(
        outputFileNames(result.outputs).map(async (filename) => ({ filename, data: (await fs.readFile(path.join(outputDir, filename))).toString('base64') })),
      );
      await handIn({ status: 'finished', outputs: result.outputs, nodes, durationMs }, files);
    } else if (result.status === 'failed') {
      await handIn({ status: 'failed', error: result.error, nodes, durationMs }, []);
    } else {
      await handIn({ status: 'cancelled', nodes, durationMs }, []);
    }
    return result.status;
  } finally {
    deps.active.delete(runId);
  }
}
