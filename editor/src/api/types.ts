/** Shapes of the server's JSON API as the editor reads them (see docs/api.md); wire formats come from contract/. */

export type { NodeDescription, InputDescription } from '../../../contract/index.ts';
import type { ErrorInfo, InputDescription } from '../../../contract/index.ts';

export type WidgetDescription = Exclude<InputDescription, { kind: 'socket' }>;
export type NumberWidgetDescription = Extract<InputDescription, { kind: 'int' | 'float' }>;
export type EnumWidgetDescription = Extract<InputDescription, { kind: 'enum' }>;

export interface BackendInfo { name: string; available: boolean; reason?: string }

export interface HardwareInfo {
  cpu: { model: string; cores: number };
  memoryBytes: number;
  gpus: unknown[];
  backends: BackendInfo[];
}

/** A `latentflow worker` of a `serve --redis` server, as GET /api/workers lists it. */
export interface WorkerSummary {
  id: string;
  name: string;
  backends: string[];
  models: { name: string; hash: string }[];
  concurrency: number;
  runs: { runId: string; projectId: string; startedAt: string }[];
}

export interface WorkerList { mode: 'embedded' | 'redis'; workers: WorkerSummary[] }

export interface Project {
  id: string;
  name: string;
  description?: string;
  /** The backend its runs use, one of /api/hardware's backends. */
  hardware?: string;
}

/** An error body or a run's error (contract/issue.ts). */
export type ApiError = ErrorInfo;

export interface OutputImage { nodeId: string; filename: string; url: string }

export interface RunSummary {
  id: string;
  status: 'queued' | 'running' | 'finished' | 'failed' | 'cancelled' | 'interrupted';
  workflowName?: string | null;
  createdAt?: string;
  outputs?: { images?: OutputImage[] };
  error?: ApiError | null;
}

export interface GalleryImage { filename: string; url: string; runId?: string; createdAt?: string }
