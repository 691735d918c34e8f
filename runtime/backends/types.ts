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
  /**
   * Runs a session program (see `SessionProgram`) in the thread that owns the session, so that its
   * `run` calls skip the hand-over between threads. `input`, the result and the messages are copied
   * (structured clone) when they cross threads; the messages reach `onMessage` in order, before the
   * result (those posted less than 25 ms apart together, so a fast loop wakes the caller's thread less
   * often). Aborting rejects at once with `cancelled` and stops the program at its next check.
   */
  runProgram<I, O, M = never>(program: URL, input: I, options?: ProgramOptions<M>): Promise<O>;
}

export interface ProgramOptions<M> {
  signal?: AbortSignal;
  onMessage?: (message: M) => void;
}

/** What a session program gets besides its input. */
export interface ProgramHost<M> {
  /** The session, called without crossing threads. */
  session: ModelSession;
  /** Sends a message to the caller's `onMessage`. */
  post(message: M): void;
  /** Aborted when the caller's signal is. */
  signal: AbortSignal;
}

/**
 * Code that drives a session from next to it: the default export of the module a `runProgram` URL
 * names. It sees only its input, its host and what it imports, never the caller's state.
 */
export type SessionProgram<I, O, M = never> = (input: I, host: ProgramHost<M>) => Promise<O>;

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
  /**
   * ORT's memory pattern (default true): after a run, the session plans the next run of the same input
   * shapes as one block holding every intermediate buffer. With the arena on, each new block comes on
   * top of what the arena already holds, so a network with large activations grows it run after run;
   * without the pattern the arena serves the next run from the buffers it already has.
   */
  memoryPattern?: boolean;
  /**
   * Let ORT's intra-op threads spin while they wait for work (ORT's `session.intra_op.allow_spinning`;
   * default false). Spinning saves a wake-up between operators but keeps every core busy between and after
   * runs, where the main thread, the other sessions and the rest of the machine need them: on the 2-core
   * reference machine under load a tiny-model txt2img ran about 5x slower end to end with it (docs/performance.md).
   */
  spinning?: boolean;
  /**
   * Session programs (`ModelSession.runProgram`) to load in the session's thread while it opens, so that the first
   * run of each does not wait for its code: a TypeScript program and what it imports take about half a second to
   * load through tsx. A program that fails to load fails its first run, as one not named here does. Not part of
   * the session's identity: a session opened without them loads a program on its first run.
   */
  programs?: readonly URL[];
}

/** What a session was opened with, after defaults. */
export interface SessionSettings {
  /** Undefined: ORT's default, one thread per core. */
  intraOpThreads?: number;
  graphOptimizationLevel: NonNullable<SessionOptions['graphOptimizationLevel']>;
  memoryArena: boolean;
  memoryPattern: boolean;
  spinning: boolean;
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
  /**
   * Says that one `open` of `modelPath` is no longer needed: once every open of it was released, its sessions are
   * closed (a model that something keeps open without releasing stays open).
   */
  release(modelPath: string): Promise<void>;
  /**
   * Replaces every session of `group` now (each once its current work is done; a later run on one reopens it), so that
   * what is about to be built, e.g. the group's next variant, has their memory.
   */
  vacate(group: string): Promise<void>;
  backends(): Promise<BackendInfo[]>;
  close(): Promise<void>;
}
