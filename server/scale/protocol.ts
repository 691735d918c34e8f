/**
 * What the server and its workers say to each other through Redis: the run job a worker takes, the
 * events it streams back while running, and the result it hands in. Binary data travels as base64.
 */
import type { ErrorInfo, Preview, RunEvent } from '../../runtime/index.ts';
import type { NodeOutcome } from '../store/runs.ts';

export interface ModelAdvert {
  name: string;
  /** sha256 of the model's files (see capabilities.ts). */
  hash: string;
}

/** What a live worker advertises, renewed every few seconds; gone a few seconds after the worker is. */
export interface WorkerInfo {
  id: string;
  name: string;
  host: string;
  backends: string[];
  models: ModelAdvert[];
  /** The queue it takes runs from: workers with the same backends and models share one. */
  pool: string;
  concurrency: number;
  runs: { runId: string; projectId: string; startedAt: string }[];
  startedAt: string;
}

/** A run as a worker receives it. */
export interface RunJob {
  runId: string;
  projectId: string;
  workflow: unknown;
  /** The project's hardware setting: the run's default backend. */
  backend: string;
  /** Files of the project's input folder that the workflow names, by file name. */
  inputs: Record<string, string>;
}

export type WirePreview =
  | { kind: 'image'; mime: 'image/png' | 'image/jpeg'; data: string; width: number; height: number; step?: number }
  | { kind: 'latent'; data: string; shape: number[]; step?: number };

/** The events relayed live; a run's ending arrives with its result instead, after the server recorded it. */
export type LiveEvent =
  | Exclude<RunEvent, { type: 'node_preview' | 'run_finished' | 'run_failed' | 'run_cancelled' }>
  | (Omit<Extract<RunEvent, { type: 'node_preview' }>, 'preview'> & { preview: WirePreview });

export interface EventMessage {
  projectId: string;
  worker: string;
  attempt: number;
  event: LiveEvent;
}

export interface RunOutcome {
  status: 'finished' | 'failed' | 'cancelled';
  error?: ErrorInfo;
  /** Output nodes' summaries, as the executor returned them. */
  outputs?: Record<string, unknown>;
  nodes: Record<string, NodeOutcome>;
  durationMs?: number;
}

/** What a worker hands in when a run ends: how it ended, and the files its output nodes wrote. */
export interface ResultJob {
  runId: string;
  projectId: string;
  worker: string;
  attempt: number;
  outcome: RunOutcome;
  files: { filename: string; data: string }[];
}

export function toWirePreview(preview: Preview): WirePreview {
  const data = Buffer.from(preview.data.buffer, preview.data.byteOffset, preview.data.byteLength).toString('base64');
  return { ...preview, data } as WirePreview;
}

export function fromWirePreview(preview: WirePreview): Preview {
  const bytes = Buffer.from(preview.data, 'base64');
  if (preview.kind === 'image') return { ...preview, data: new Uint8Array(bytes) };
  const aligned = new Uint8Array(bytes).buffer;
  return { ...preview, data: new Float32Array(aligned) };
}
