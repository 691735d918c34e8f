import {
  apiPromptToWorkflow,
  comfyEnvironment,
  ComfyConversionError,
  parseApiPrompt,
  type ApiPrompt,
  type ComfyIssue,
} from '../../compat/comfyui/index.ts';
import type { ComfyEnvironment } from '../../compat/comfyui/class-entry.ts';
import { validateWorkflow, type Workflow } from '../../runtime/index.ts';
import type { ServerContext } from '../context.ts';
import type { RunRecord, RunSummary } from '../store/runs.ts';
import { promptRejected } from './node-errors.ts';

/** ComfyUI runs land in the default project, where the editor shows them too. */
export const COMFY_PROJECT_ID = 'default';

/** What a run queued through the ComfyUI API remembers (in its workflow's `meta.comfyui`, so it survives restarts). */
export interface ComfyRunInfo {
  number: number;
  clientId?: string;
  prompt: ApiPrompt;
  extraData: Record<string, unknown>;
  /** The ComfyUI node each latentflow node came from. */
  origin: Record<string, string>;
  /** ComfyUI ids of the output nodes. */
  outputs: string[];
}

export interface QueuePromptBody {
  prompt: unknown;
  client_id?: string;
  extra_data?: Record<string, unknown>;
}

type QueueItem = [number, string, ApiPrompt, Record<string, unknown>, string[]];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Which ComfyUI node a latentflow validation issue is about. */
function comfyIssueOf(issue: { code: string; message: string; nodeId?: string; input?: string }, origin: Record<string, string>, prompt: ApiPrompt): ComfyIssue {
  const nodeId = issue.nodeId === undefined ? undefined : (origin[issue.nodeId] ?? issue.nodeId);
  return { code: issue.code, message: nodeId ? `Node ${nodeId}: ${issue.message}` : issue.message, nodeId, classType: nodeId ? prompt[nodeId]?.class_type : undefined, input: issue.input };
}

/** Queues ComfyUI prompts on the one run queue and reads their runs back in ComfyUI's shapes. */
export class ComfyRuns {
  private readonly known = new Map<string, ComfyRunInfo | null>();
  private lastNumber: number | undefined;

  constructor(private readonly ctx: ServerContext) {}

  environment(): ComfyEnvironment {
    return comfyEnvironment({ registry: this.ctx.registry, dataDir: this.ctx.dataDir, inputDir: this.ctx.folders.inputs(COMFY_PROJECT_ID) });
  }

  /** Converts, validates (the same validator as every run) and queues; throws a ComfyUI-shaped 400 naming the nodes. */
  queuePrompt(body: QueuePromptBody): { prompt_id: string; number: number; node_errors: Record<string, never> } {
    const prompt = this.parse(body.prompt);
    let workflow: Workflow;
    let origin: Record<string, string>;
    try {
      ({ workflow, origin } = apiPromptToWorkflow(prompt, this.environment()));
    } catch (error) {
      if (error instanceof ComfyConversionError) throw promptRejected(prompt, error.issues);
      throw error;
    }
    const problems = validateWorkflow(workflow, this.ctx.registry);
    if (problems.length > 0) throw promptRejected(prompt, problems.map((issue) => comfyIssueOf(issue, origin, prompt)));

    const extraData = isObject(body.extra_data) ? body.extra_data : {};
    const number = this.nextNumber();
    const info: ComfyRunInfo = {
      number,
      ...(typeof body.client_id === 'string' ? { clientId: body.client_id } : {}),
      prompt,
      extraData,
      origin,
      outputs: [...new Set(Object.entries(workflow.nodes).filter(([, node]) => this.ctx.registry.get(node.type)?.output).map(([id]) => origin[id]))],
    };
    const pnginfo = isObject(extraData.extra_pnginfo) ? extraData.extra_pnginfo : {};
    const pngText = { prompt: JSON.stringify(prompt), ...Object.fromEntries(Object.entries(pnginfo).map(([key, value]) => [key, JSON.stringify(value)])) };
    const run = this.ctx.queue.enqueue(COMFY_PROJECT_ID, { ...workflow, meta: { source: 'comfyui-api', comfyui: info, pngText } });
    this.known.set(run.id, info);
    return { prompt_id: run.id, number, node_errors: {} };
  }

  /** The ComfyUI side of a run, or undefined for runs queued otherwise. */
  info(runId: string): ComfyRunInfo | undefined {
    if (!this.known.has(runId)) {
      const meta = (this.ctx.runs.find(runId)?.workflow as Workflow | undefined)?.meta;
      this.known.set(runId, isObject(meta?.comfyui) ? (meta.comfyui as unknown as ComfyRunInfo) : null);
    }
    return this.known.get(runId) ?? undefined;
  }

  queue(): { queue_running: QueueItem[]; queue_pending: QueueItem[] } {
    const live = this.recent().filter((run) => run.status === 'running' || run.status === 'queued');
    const items = (status: string) => live.filter((run) => run.status === status).reverse().map((run) => this.queueItem(run)).filter((item) => item !== undefined);
    return { queue_running: items('running'), queue_pending: items('queued') };
  }

  queueRemaining(): number {
    const { running, queued } = this.ctx.queue.counts();
    return running + queued;
  }

  /** Cancels queued ComfyUI runs: all of them, or those named. */
  dropFromQueue(ids: string[] | 'all'): void {
    for (const runId of this.ctx.runs.queuedIds(COMFY_PROJECT_ID)) {
      if ((ids === 'all' || ids.includes(runId)) && this.info(runId)) this.ctx.queue.cancel(runId);
    }
  }

  /** Finished ComfyUI runs, newest first, keyed by prompt id. */
  history(maxItems: number, promptId?: string): Record<string, unknown> {
    const runs = promptId === undefined ? this.recent() : [this.ctx.runs.find(promptId)].filter((run) => run !== undefined);
    const history: Record<string, unknown> = {};
    for (const summary of runs) {
      if (Object.keys(history).length >= maxItems) break;
      if (['queued', 'running'].includes(summary.status) || this.ctx.comfyHistory.isHidden(summary.id)) continue;
      const info = this.info(summary.id);
      if (info) history[summary.id] = this.historyItem(this.ctx.runs.get(summary.id), info);
    }
    return history;
  }

  /** POST /history: the runs stay in latentflow's durable history; they are left out of ComfyUI's view, in SQLite. */
  hideFromHistory(ids: string[] | 'all'): void {
    this.ctx.comfyHistory.hide(ids === 'all' ? this.recent().filter((run) => this.info(run.id)).map((run) => run.id) : ids);
  }

  /** `{images: [{filename, subfolder, type}]}` of each ComfyUI output node, from a run's recorded outputs. */
  outputsOf(run: RunSummary, info: ComfyRunInfo): Record<string, { images: { filename: string; subfolder: string; type: string }[] }> {
    const outputs: Record<string, { images: { filename: string; subfolder: string; type: string }[] }> = {};
    for (const image of run.outputs.images) {
      const comfyId = info.origin[image.nodeId] ?? image.nodeId;
      (outputs[comfyId] ??= { images: [] }).images.push(comfyImage(image.filename, 'output'));
    }
    return outputs;
  }

  private historyItem(run: RunRecord, info: ComfyRunInfo) {
    const success = run.status === 'finished';
    const at = (iso: string | null) => (iso ? Date.parse(iso) : Date.now());
    const messages: [string, Record<string, unknown>][] = [['execution_start', { prompt_id: run.id, timestamp: at(run.startedAt) }]];
    if (success) messages.push(['execution_success', { prompt_id: run.id, timestamp: at(run.finishedAt) }]);
    else if (run.status === 'failed') messages.push(['execution_error', { prompt_id: run.id, exception_message: run.error?.message ?? '', exception_type: run.error?.code ?? '', node_id: info.origin[run.error?.nodeId ?? ''] ?? null, timestamp: at(run.finishedAt) }]);
    else messages.push(['execution_interrupted', { prompt_id: run.id, timestamp: at(run.finishedAt) }]);
    return {
      prompt: [info.number, run.id, info.prompt, info.extraData, info.outputs],
      outputs: this.outputsOf(run, info),
      status: { status_str: success ? 'success' : 'error', completed: success, messages },
      meta: Object.fromEntries(info.outputs.map((id) => [id, { node_id: id, display_node: id, parent_node: null, real_node_id: id }])),
    };
  }

  private queueItem(run: RunSummary): QueueItem | undefined {
    const info = this.info(run.id);
    return info && [info.number, run.id, info.prompt, info.extraData, info.outputs];
  }

  private recent(): RunSummary[] {
    return this.ctx.runs.listByProject(COMFY_PROJECT_ID, 1000);
  }

  private parse(prompt: unknown): ApiPrompt {
    try {
      return parseApiPrompt(prompt);
    } catch (error) {
      if (error instanceof ComfyConversionError) throw promptRejected(undefined, error.issues);
      throw error;
    }
  }

  private nextNumber(): number {
    this.lastNumber ??= Math.max(0, ...this.recent().map((run) => this.info(run.id)?.number ?? 0));
    this.lastNumber += 1;
    return this.lastNumber;
  }
}

/** A latentflow output path ("portraits/cat_00001.png") as ComfyUI's {filename, subfolder, type}. */
export function comfyImage(path: string, type: 'output' | 'temp' | 'input') {
  const slash = path.lastIndexOf('/');
  return { filename: path.slice(slash + 1), subfolder: slash < 0 ? '' : path.slice(0, slash), type };
}
