import fs from 'node:fs';
import path from 'node:path';
import type { WebSocket } from 'ws';
import type { Preview, RunEvent } from '../../runtime/index.ts';
import type { HubObserver } from '../live/hub.ts';
import { comfyImage, type ComfyRunInfo, type ComfyRuns } from './comfy-runs.ts';

/** ComfyUI's binary preview frame: uint32 big-endian event 1 (PREVIEW_IMAGE), uint32 image type (1 JPEG, 2 PNG), the image bytes. */
export function comfyPreviewFrame(mime: string, data: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(8 + data.byteLength);
  frame.writeUInt32BE(1, 0);
  frame.writeUInt32BE(mime === 'image/jpeg' ? 1 : 2, 4);
  frame.set(data, 8);
  return frame;
}

interface RunState {
  executing?: string;
  cached: Set<string>;
  executed: Set<string>;
  /** PreviewImage results, saved where GET /view?type=temp finds them, by latentflow node id. */
  temp: Map<string, ReturnType<typeof comfyImage>[]>;
}

type Event = RunEvent | { type: string; runId: string };

/** The ComfyUI WebSocket (`/ws?clientId=`): run events translated to ComfyUI's messages for the clients that queued them. */
export class ComfySockets implements HubObserver {
  private readonly clients = new Map<WebSocket, string>();
  private readonly states = new Map<string, RunState>();
  private tempCounter = 0;

  constructor(
    private readonly runs: ComfyRuns,
    private readonly tempDir: string,
    /** Its images are also written to the temp folder, as ComfyUI does. */
    private readonly previewClass = 'PreviewImage',
  ) {}

  add(socket: WebSocket, clientId: string): void {
    this.clients.set(socket, clientId);
    socket.on('close', () => this.clients.delete(socket));
    // Clients send nothing ComfyUI acts on; answering is not needed.
    socket.on('message', () => {});
    socket.send(JSON.stringify({ type: 'status', data: { status: this.status(), sid: clientId } }));
  }

  closeAll(): void {
    for (const socket of this.clients.keys()) socket.close(1001, 'Server shutting down');
    this.clients.clear();
  }

  event(_projectId: string, event: Event): void {
    const info = this.runs.info(event.runId);
    if (!info) {
      if (['run_queued', 'run_finished', 'run_failed', 'run_cancelled'].includes(event.type)) this.broadcastStatus();
      return;
    }
    const promptId = event.runId;
    const state = this.stateOf(promptId);
    const send = (type: string, data: Record<string, unknown>) => this.send(info, { type, data: { ...data, prompt_id: promptId } });
    const comfyId = 'nodeId' in event ? (info.origin[event.nodeId] ?? event.nodeId) : undefined;
    const timestamp = Date.now();
    const e = event as RunEvent;
    switch (e.type) {
      case 'run_started':
        this.broadcastStatus();
        send('execution_start', { timestamp });
        return;
      case 'node_cached':
        if (comfyId && !state.cached.has(comfyId)) {
          state.cached.add(comfyId);
          send('execution_cached', { nodes: [comfyId], timestamp });
        }
        return;
      case 'node_started':
        if (comfyId && comfyId !== state.executing) {
          state.executing = comfyId;
          send('executing', { node: comfyId, display_node: comfyId });
        }
        return;
      case 'node_progress':
        send('progress', { value: e.value, max: e.max, node: comfyId });
        return;
      case 'node_finished':
        if (e.result !== undefined && comfyId) this.sendExecuted(info, promptId, state, comfyId, e.nodeId, e.result);
        return;
      case 'run_finished':
        for (const [nodeId, result] of Object.entries(e.outputs)) {
          const id = info.origin[nodeId] ?? nodeId;
          if (!state.executed.has(id)) this.sendExecuted(info, promptId, state, id, nodeId, result);
        }
        send('execution_success', { timestamp });
        break;
      case 'run_failed':
        send('execution_error', {
          node_id: e.error.nodeId ? (info.origin[e.error.nodeId] ?? e.error.nodeId) : null,
          node_type: e.error.nodeId ? info.prompt[info.origin[e.error.nodeId] ?? '']?.class_type ?? e.error.nodeType ?? null : null,
          executed: [...state.executed],
          exception_message: e.error.message,
          exception_type: e.error.code,
          traceback: [],
          current_inputs: {},
          current_outputs: {},
          timestamp,
        });
        break;
      case 'run_cancelled':
        send('execution_interrupted', { node_id: state.executing ?? null, node_type: info.prompt[state.executing ?? '']?.class_type ?? null, executed: [...state.executed], timestamp });
        break;
      default:
        return;
    }
    // As in ComfyUI: the prompt has ended when "executing" names no node.
    send('executing', { node: null, display_node: null });
    this.states.delete(promptId);
    this.broadcastStatus();
  }

  preview(_projectId: string, runId: string, nodeId: string, preview: Preview): void {
    const info = this.runs.info(runId);
    if (!info || preview.kind !== 'image') return;
    if (info.prompt[info.origin[nodeId] ?? '']?.class_type === this.previewClass) {
      this.stateOf(runId).temp.set(nodeId, [...(this.stateOf(runId).temp.get(nodeId) ?? []), this.saveTemp(preview.data)]);
    }
    const frame = comfyPreviewFrame(preview.mime, preview.data);
    for (const socket of this.recipients(info)) socket.send(frame);
  }

  private sendExecuted(info: ComfyRunInfo, promptId: string, state: RunState, comfyId: string, nodeId: string, result: unknown) {
    state.executed.add(comfyId);
    const saved = (result as { images?: { filename?: unknown }[] } | undefined)?.images ?? [];
    const images = state.temp.get(nodeId) ?? saved.filter((image) => typeof image.filename === 'string').map((image) => comfyImage(image.filename as string, 'output'));
    this.send(info, { type: 'executed', data: { node: comfyId, display_node: comfyId, output: { images }, prompt_id: promptId } });
  }

  private saveTemp(png: Uint8Array) {
    fs.mkdirSync(this.tempDir, { recursive: true });
    const filename = `ComfyUI_temp_${process.pid}_${String(++this.tempCounter).padStart(5, '0')}_.png`;
    const target = path.join(this.tempDir, filename);
    fs.writeFileSync(`${target}.partial`, png);
    fs.renameSync(`${target}.partial`, target);
    return comfyImage(filename, 'temp');
  }

  private stateOf(runId: string): RunState {
    let state = this.states.get(runId);
    if (!state) this.states.set(runId, (state = { cached: new Set(), executed: new Set(), temp: new Map() }));
    return state;
  }

  private status() {
    return { exec_info: { queue_remaining: this.runs.queueRemaining() } };
  }

  private broadcastStatus(): void {
    const text = JSON.stringify({ type: 'status', data: { status: this.status() } });
    for (const socket of this.clients.keys()) if (socket.readyState === socket.OPEN) socket.send(text);
  }

  /** ComfyUI sends a prompt's events to the client that queued it, or to everyone when it gave no client_id. */
  private *recipients(info: ComfyRunInfo): Generator<WebSocket> {
    for (const [socket, clientId] of this.clients) {
      if (socket.readyState !== socket.OPEN) continue;
      if (info.clientId === undefined || info.clientId === clientId) yield socket;
    }
  }

  private send(info: ComfyRunInfo, message: unknown): void {
    const text = JSON.stringify(message);
    for (const socket of this.recipients(info)) socket.send(text);
  }
}
