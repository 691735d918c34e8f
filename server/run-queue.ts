import type { SessionPool } from '../runtime/backends/index.ts';
import { isLatentflowError, type ErrorInfo, type Executor, type Logger, type RunEnvironment, type RunEvent, type RunResult as ExecutorResult, type Workflow } from '../runtime/index.ts';
import { runNotCancellable, ServerError } from './errors.ts';
import type { ProjectFolders } from './files/project-folders.ts';
import type { LiveHub } from './live/hub.ts';
import { collectOutputs } from './run-outputs.ts';
import type { ImageStore } from './store/images.ts';
import type { Project, ProjectStore } from './store/projects.ts';
import type { NodeOutcome, RunRecord, RunResult, RunStore, RunSummary } from './store/runs.ts';

export interface RunQueueDeps {
  runs: RunStore;
  projects: ProjectStore;
  images: ImageStore;
  folders: ProjectFolders;
  hub: LiveHub;
  /** One executor for every project: its cache is keyed by the run environment too, so results never cross projects. */
  executor: Executor;
  sessions: SessionPool;
  dataDir: string;
  log: Logger;
}

interface ActiveRun {
  runId: string;
  projectId: string;
  controller: AbortController;
  /** Why it was aborted: a user's cancel, or the server shutting down (then it counts as interrupted). */
  abortedFor?: 'cancel' | 'shutdown';
  /** How each node ended so far; written to the database when the run ends. */
  nodes: Record<string, NodeOutcome>;
  done: Promise<void>;
}

/** A failure outside the executor (e.g. preparing the run's folders) in the shape run events use. */
function errorInfo(error: unknown): ErrorInfo {
  if (isLatentflowError(error)) return error.toInfo();
  if (error instanceof ServerError) return { code: error.code, message: error.message };
  return { code: 'internal_error', message: error instanceof Error ? error.message : String(error) };
}

/**
 * Where queued runs go and how they are followed and stopped. The embedded LocalRunQueue runs them in this
 * process; with `serve --redis`, RedisRunQueue (server/scale/) hands them to workers on other machines.
 */
export interface RunQueue {
  start(): void;
  /** Stops taking runs; queued runs stay queued. */
  stop(): Promise<void>;
  /** Records the run as queued and sends it on; throws a ServerError when it cannot be run now. */
  enqueue(projectId: string, workflow: Workflow, workflowName?: string): RunRecord;
  counts(): { running: number; queued: number };
  withLiveNodes<R extends RunSummary>(run: R): R;
  cancel(runId: string): RunRecord;
  interrupt(): string | null;
  cancelProject(projectId: string): Promise<void>;
}

/**
 * Runs queued workflows one at a time, oldest first, on the one shared executor (its cache serves a
 * project's later runs). The queue itself lives in SQLite: nothing is lost on a restart.
 */
export class LocalRunQueue implements RunQueue {
  private active: ActiveRun | undefined;
  private stopped = true;

  constructor(private readonly deps: RunQueueDeps) {}

  /** Marks what a previous process left running as interrupted, then works through the queue. */
  start(): void {
    for (const runId of this.deps.runs.interruptRunning()) this.deps.log.warn('Run was interrupted by a restart', { runId });
    this.stopped = false;
    this.pump();
  }

  /** Stops taking runs; the running one is aborted and recorded as interrupted. Queued runs stay queued. */
  async stop(): Promise<void> {
    this.stopped = true;
    const active = this.active;
    if (!active) return;
    active.abortedFor = 'shutdown';
    active.controller.abort();
    await active.done;
  }

  enqueue(projectId: string, workflow: Workflow, workflowName?: string): RunRecord {
    const run = this.deps.runs.insert({ projectId, workflow, workflowName });
    this.deps.hub.publish(projectId, { type: 'run_queued', runId: run.id, time: Date.now() });
    this.pump();
    return run;
  }

  counts(): { running: number; queued: number } {
    return this.deps.runs.counts();
  }

  /** A run as recorded, with the running one's node outcomes so far (a page reloaded mid-run sees them). */
  withLiveNodes<R extends RunSummary>(run: R): R {
    return this.active?.runId === run.id ? { ...run, nodes: { ...this.active.nodes } } : run;
  }

  cancel(runId: string): RunRecord {
    const run = this.deps.runs.get(runId);
    if (this.deps.runs.cancelQueued(runId)) {
      this.deps.hub.publish(run.projectId, { type: 'run_cancelled', runId, time: Date.now() });
    } else if (this.active?.runId === runId) {
      this.active.abortedFor ??= 'cancel';
      this.active.controller.abort();
    } else {
      throw runNotCancellable(runId, run.status);
    }
    return this.deps.runs.get(runId);
  }

  /** Cancels the running run, if any; returns its id. */
  interrupt(): string | null {
    if (!this.active) return null;
    return this.cancel(this.active.runId).id;
  }

  /** Cancels every queued and running run of a project and waits until none of them runs any more. */
  async cancelProject(projectId: string): Promise<void> {
    for (const runId of this.deps.runs.queuedIds(projectId)) this.cancel(runId);
    const active = this.active;
    if (active?.projectId !== projectId) return;
    active.abortedFor ??= 'cancel';
    active.controller.abort();
    await active.done;
  }

  private pump(): void {
    if (this.stopped || this.active) return;
    const next = this.deps.runs.nextQueued();
    if (!next) return;
    const active: ActiveRun = { runId: next.id, projectId: next.projectId, controller: new AbortController(), nodes: {}, done: Promise.resolve() };
    this.active = active;
    active.done = this.execute(next, active)
      .catch((error) => this.deps.log.error('Run bookkeeping failed', { runId: next.id, error: String(error) }))
      .finally(() => {
        this.active = undefined;
        this.pump();
      });
  }

  private async execute(run: RunRecord, active: ActiveRun): Promise<void> {
    const { runs, hub } = this.deps;
    runs.markRunning(run.id);
    const { nodes } = active;

    const onEvent = (event: RunEvent) => {
      switch (event.type) {
        case 'node_preview':
          hub.publishPreview(run.projectId, run.id, event.nodeId, event.preview);
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
      hub.publish(run.projectId, event);
    };

    let ending: ExecutorResult;
    try {
      const project = this.deps.projects.get(run.projectId);
      const env = await this.environmentFor(run, project);
      ending = await this.deps.executor.run(run.workflow, { env, signal: active.controller.signal, runId: run.id, onEvent });
    } catch (error) {
      // The executor reports its own ending and never throws for a failed run; this covers failures before it.
      const time = Date.now();
      if (active.controller.signal.aborted) {
        ending = { runId: run.id, status: 'cancelled' };
        hub.publish(run.projectId, { type: 'run_cancelled', runId: run.id, time });
      } else {
        ending = { runId: run.id, status: 'failed', error: errorInfo(error) };
        hub.publish(run.projectId, { type: 'run_failed', runId: run.id, time, error: ending.error });
      }
    }
    const result = this.recordOf(run, active, ending);
    runs.finish(run.id, { ...result, nodes });
    for (const image of result.outputs?.images ?? []) {
      this.deps.images.record(run.projectId, image.filename, { runId: run.id, nodeId: image.nodeId });
    }
  }

  /** What the run store keeps of the executor's result; a run aborted by shutdown is `interrupted`, not `cancelled`. */
  private recordOf(run: RunRecord, active: ActiveRun, ending: ExecutorResult): Omit<RunResult, 'nodes'> {
    if (ending.status === 'finished') return { status: 'finished', outputs: collectOutputs(run.projectId, ending.outputs) };
    if (ending.status === 'failed') return { status: 'failed', error: ending.error };
    return { status: active.abortedFor === 'shutdown' ? 'interrupted' : 'cancelled' };
  }

  private async environmentFor(run: RunRecord, project: Project): Promise<RunEnvironment> {
    const { folders } = this.deps;
    await folders.ensure(project.id);
    return {
      dataDir: this.deps.dataDir,
      outputDir: folders.outputs(project.id),
      inputDir: folders.inputs(project.id),
      backend: project.hardware,
      workflow: run.workflow,
      sessions: this.deps.sessions,
    };
  }
}
