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
  run(feeds: Record<string, Tensor>, options?: { signal?: AbortSignal }): Promise<Record<string, Tensor>>;
}

export interface SessionOptions {
  /** `cpu` (default), `cuda`, ... */
  backend?: string;
  /** Fall back to CPU, with a logged warning, when the requested backend is missing. Default false: fail. */
  fallbackToCpu?: boolean;
  intraOpThreads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
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
