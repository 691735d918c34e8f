import fs from 'node:fs/promises';
import path from 'node:path';
import type { Preview, RunEvent, Workflow } from '../../runtime/index.ts';
import { COMFY_PROJECT_ID } from '../comfyui/comfy-runs.ts';
import type { ServerContext } from '../context.ts';
import type { HubObserver } from '../live/hub.ts';
import type { RunRecord } from '../store/runs.ts';

/** A1111 requests run in the default project too, one run per image, on the one queue. */
export const A1111_PROJECT_ID = COMFY_PROJECT_ID;
/** The node id of the sampler in generation workflows, whose steps /progress reports. */
const SAMPLER_NODE = 'unet';

interface Job {
  runIds: string[];
  ended: Map<string, RunRecord>;
  step: number;
  steps: number;
  startedAt: number;
  currentImage: string | null;
  interrupted: boolean;
}

type Event = RunEvent | { type: string; runId: string };
const ENDINGS = new Set(['run_finished', 'run_failed', 'run_cancelled']);

/** Runs A1111 generations through the run queue, waits for them and keeps what /sdapi/v1/progress reports. */
export class A1111Jobs implements HubObserver {
  private readonly jobs = new Set<Job>();
  private readonly waiters = new Map<string, () => void>();

  constructor(private readonly ctx: ServerContext) {}

  /** Queues every workflow, resolves when all have ended, with their runs as recorded. */
  async run(workflows: Workflow[]): Promise<RunRecord[]> {
    const job: Job = { runIds: [], ended: new Map(), step: 0, steps: 0, startedAt: Date.now(), currentImage: null, interrupted: false };
    this.jobs.add(job);
    try {
      const endings: Promise<void>[] = [];
      for (const workflow of workflows) {
        const run = this.ctx.queue.enqueue(A1111_PROJECT_ID, workflow);
        job.runIds.push(run.id);
        endings.push(new Promise((resolve) => this.waiters.set(run.id, resolve)));
        if (this.ctx.runs.get(run.id).status === 'cancelled') this.waiters.get(run.id)?.();
      }
      await Promise.all(endings);
      // The queue records a run's end just after publishing it.
      while (job.runIds.some((id) => ['queued', 'running'].includes(this.ctx.runs.get(id).status))) await new Promise((resolve) => setImmediate(resolve));
      return job.runIds.map((id) => this.ctx.runs.get(id));
    } finally {
      this.jobs.delete(job);
    }
  }

  /** The PNG files a finished run saved, base64-encoded. */
  async imagesOf(run: RunRecord): Promise<string[]> {
    const dir = this.ctx.folders.outputs(A1111_PROJECT_ID);
    return Promise.all(run.outputs.images.map(async (image) => (await fs.readFile(path.join(dir, image.filename))).toString('base64')));
  }

  interrupt(): void {
    for (const job of this.jobs) {
      job.interrupted = true;
      for (const runId of job.runIds) {
        const status = this.ctx.runs.get(runId).status;
        if (status === 'queued' || status === 'running') this.ctx.queue.cancel(runId);
      }
    }
  }

  progress() {
    const job = [...this.jobs][0];
    if (!job) {
      return { progress: 0, eta_relative: 0, state: this.state(undefined), current_image: null, textinfo: null };
    }
    const done = job.ended.size + (job.steps > 0 ? job.step / job.steps : 0);
    const fraction = job.runIds.length === 0 ? 0 : done / job.runIds.length;
    const elapsed = (Date.now() - job.startedAt) / 1000;
    return {
      progress: fraction,
      eta_relative: fraction > 0 ? (elapsed / fraction) * (1 - fraction) : 0,
      state: this.state(job),
      current_image: job.currentImage,
      textinfo: null,
    };
  }

  event(_projectId: string, event: Event): void {
    const job = this.jobOf(event.runId);
    if (!job) return;
    const e = event as RunEvent;
    if (e.type === 'node_progress' && e.nodeId === SAMPLER_NODE) {
      job.step = e.value;
      job.steps = e.max;
    }
    if (ENDINGS.has(e.type)) {
      job.ended.set(e.runId, this.ctx.runs.get(e.runId));
      job.step = 0;
      this.waiters.get(e.runId)?.();
      this.waiters.delete(e.runId);
    }
  }

  preview(_projectId: string, runId: string, nodeId: string, preview: Preview): void {
    const job = this.jobOf(runId);
    if (job && nodeId === SAMPLER_NODE && preview.kind === 'image') job.currentImage = Buffer.from(preview.data).toString('base64');
  }

  private jobOf(runId: string): Job | undefined {
    for (const job of this.jobs) if (job.runIds.includes(runId)) return job;
    return undefined;
  }

  private state(job: Job | undefined) {
    return {
      skipped: false,
      interrupted: job?.interrupted ?? false,
      job: job ? `job(${job.runIds.length})` : '',
      job_count: job?.runIds.length ?? 0,
      job_timestamp: job ? new Date(job.startedAt).toISOString().replace(/\D/g, '').slice(0, 14) : '0',
      job_no: job?.ended.size ?? 0,
      sampling_step: job?.step ?? 0,
      sampling_steps: job?.steps ?? 0,
    };
  }
}
