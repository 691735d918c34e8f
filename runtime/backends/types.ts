export type TensorType = 'float32' | 'float16' | 'int32' | 'int64' | 'uint8' | 'bool';

export type TensorData = Float32Array | Int32Array | BigInt64Array | Uint16Array | Uint8Array;

/** A plain tensor that can cross worker-thread boundaries (structured-clone friendly). */
export interface Tensor {
  type: TensorType;
  data: TensorData;
  dims: number[];
}

export interface TensorInfo { name: string; type: TensorType; dims: (number | string)[] }

/** An ONNX model loaded on a backend. `run` never blocks the calling thread. */
export interface ModelSession {
  readonly modelPath: string;
  readonly backend: string;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** The settings ORT was given for this session, as the inference worker applied them. */
  readonly settings: SessionSettings;
  run(feeds: Record<string, Tensor>, options?: { signal?: AbortSignal }): Promise<Record<string, Tensor>>;
}

export interface SessionOptions {
  /** `cpu` (default), `cuda`, ... */
  backend?: string;
  /** Fall back to CPU, with a logged warning, when the requested backend is missing. Default false: fail. */
  fallbackToCpu?: boolean;
  /**
   * Sessions opened with the same group replace one another (variants of one network that are used
   * in turn): opening a new one first closes the others of its group, each once its current inference
   * is done, so that one of them is in memory. A replaced session that is run again is reopened.
   */
  group?: string;
  intraOpThreads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /**
   * ORT's CPU memory arena (default true). The arena keeps every buffer it has allocated for the
   * session's lifetime and can grow over repeated runs; without it, a run's intermediate buffers are
   * returned to the system when the run ends, at some cost in speed for networks with many small ones.
   */
  memoryArena?: boolean;
}

/** What a session was opened with, after defaults. */
export interface SessionSettings {
  /** Undefined: ORT's default, one thread per core. */
  intraOpThreads?: number;
  graphOptimizationLevel: NonNullable<SessionOptions['graphOptimizationLevel']>;
  memoryArena: boolean;
}

export interface BackendInfo {
  name: string;
  available: boolean;
  /** Why it is missing, when it is. */
  reason?: string;
  devices?: string[];
}

/** Opens (and caches) model sessions; shared by every run of a process. */
export interface SessionPool {
  open(modelPath: string, options?: SessionOptions): Promise<ModelSession>;
  backends(): Promise<BackendInfo[]>;
  close(): Promise<void>;
}
