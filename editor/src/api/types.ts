/** Shapes of the server's JSON API as the editor reads them (see docs/api.md). */

export interface SocketInputDescription {
  kind: 'socket';
  type: string;
  optional?: boolean;
  description?: string;
}

interface WidgetBase<K extends string, T> {
  kind: K;
  default: T;
  description?: string;
  /** When set, the widget may instead be fed by a link of this socket type. */
  socketType?: string;
}

export interface NumberWidgetDescription extends WidgetBase<'int' | 'float', number> {
  min?: number;
  max?: number;
  step?: number;
}
export interface StringWidgetDescription extends WidgetBase<'string', string> { multiline?: boolean }
export type BooleanWidgetDescription = WidgetBase<'boolean', boolean>;
export interface EnumWidgetDescription extends WidgetBase<'enum', string> { choices: string[] }
export type SeedWidgetDescription = WidgetBase<'seed', number>;

export type WidgetDescription =
  | NumberWidgetDescription
  | StringWidgetDescription
  | BooleanWidgetDescription
  | EnumWidgetDescription
  | SeedWidgetDescription;

export type InputDescription = SocketInputDescription | WidgetDescription;

export interface NodeDescription {
  type: string;
  displayName: string;
  category: string;
  description: string;
  inputs: Record<string, InputDescription>;
  outputs: Record<string, { type: string; description?: string }>;
  output?: boolean;
}

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

export interface ApiError {
  code: string;
  message: string;
  nodeId?: string;
  input?: string;
}

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
