import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.ts';
import { listBackends } from './availability.ts';
import { backendUnavailable, cancelled, inferenceFailed, modelLoadFailed, programFailed, sessionClosed } from '../errors.ts';
import type { BackendInfo, ModelSession, ProgramOptions, SessionOptions, SessionPool, SessionSettings, Tensor, TensorInfo } from './types.ts';

const WORKER_URL = new URL('./ort-worker.js', import.meta.url);

/** Reported after every inference: the time ORT itself spent, excluding the hand-over between threads. */
export interface InferenceTiming { modelPath: string; backend: string; durationMs: number }

interface WorkerReply {
  id: number;
  outputs?: Record<string, Tensor>;
  durationMs?: number;
  /** A session program's messages (several at a time, see ort-worker.js), its result, and the durations of the runs it made. */
  messages?: unknown[];
  result?: unknown;
  inferences?: number[];
  error?: { message: string; code?: string; nodeId?: string; nodeType?: string; input?: string };
}

/** What a reply means for its request: not settled yet (a program's message), a value, or a failure. */
type Outcome<T> = undefined | { value: T } | { error: Error };

interface Waiter {
  settle(reply: WorkerReply): void;
  reject(error: Error): void;
}

/** A model session whose inference runs in its own worker thread. */
class WorkerSession implements ModelSession {
  private nextId = 0;
  /** Set once close() was asked or the worker ended: later runs fail at once instead of waiting on no worker. */
  private closed = false;
  /** Set when a session of its group replaced it: a later run reopens the model instead of failing. */
  private replaced = false;
  private closing: Promise<void> | undefined;
  /** Set once the worker has ended, asked to or not (a crash): the pool then starts a fresh one. */
  ended = false;
  private readonly pending = new Map<number, Waiter>();

  constructor(
    readonly modelPath: string,
    readonly backend: string,
    readonly inputs: readonly TensorInfo[],
    readonly outputs: readonly TensorInfo[],
    readonly settings: SessionSettings,
    private readonly worker: Worker,
    /** A fresh session for the same model and options, for runs after this one was replaced in its group. */
    private readonly reopen: () => Promise<ModelSession>,
    private readonly onInference?: (timing: InferenceTiming) => void,
  ) {
    worker.on('message', (reply: WorkerReply) => this.pending.get(reply.id)?.settle(reply)); // none: cancelled meanwhile
    worker.on('error', (error) => this.failAll(inferenceFailed(`the inference worker for ${modelPath} crashed: ${error.message}`, error)));
    worker.on('exit', () => {
      this.closed = true;
      this.ended = true;
      this.failAll(sessionClosed(modelPath));
    });
  }

  run(feeds: Record<string, Tensor>, options: { signal?: AbortSignal } = {}): Promise<Record<string, Tensor>> {
    if (this.replaced) return this.reopen().then((session) => session.run(feeds, options));
    return this.request<Record<string, Tensor>>({ feeds }, options.signal, (reply) => {
      if (reply.error) return { error: inferenceFailed(`inference of ${this.modelPath} failed: ${reply.error.message}`) };
      this.timed(reply.durationMs!);
      return { value: reply.outputs! };
    });
  }

  runProgram<I, O, M = never>(program: URL, input: I, options: ProgramOptions<M> = {}): Promise<O> {
    if (this.replaced) return this.reopen().then((session) => session.runProgram<I, O, M>(program, input, options));
    return this.request({ type: 'program', url: program.href, input }, options.signal, (reply): Outcome<O> => {
      for (const message of reply.messages ?? []) {
        if (options.signal?.aborted) return undefined; // rejected already; no message after that
        options.onMessage?.(message as M);
      }
      if (!reply.error && !('result' in reply)) return undefined;
      for (const durationMs of reply.inferences ?? []) this.timed(durationMs);
      return reply.error ? { error: programFailed(this.modelPath, reply.error) } : { value: reply.result as O };
    });
  }

  /** Ends the worker once the inferences already asked for are done; a running program is aborted first. */
  close(): Promise<void> {
    return this.end(true);
  }

  /** Ends the worker once what it is running (programs too) is done; later runs reopen the model. */
  replace(): Promise<void> {
    this.replaced = true;
    return this.end(false);
  }

  private end(abortPrograms: boolean): Promise<void> {
    this.closed = true;
    if (this.ended) return Promise.resolve();
    this.closing ??= new Promise((resolve) => {
      this.worker.once('exit', () => resolve());
      this.worker.postMessage({ type: 'close', abortPrograms });
    });
    return this.closing;
  }

  /** Sends one request and hands its replies to `outcome` until one settles it. */
  private request<T>(message: Record<string, unknown>, signal: AbortSignal | undefined, outcome: (reply: WorkerReply) => Outcome<T>): Promise<T> {
    if (signal?.aborted) return Promise.reject(cancelled(signal.reason, 'inference was cancelled'));
    if (this.closed) return Promise.reject(sessionClosed(this.modelPath));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(id);
        this.worker.postMessage({ type: 'abort', id });
        reject(cancelled(signal?.reason, 'inference was cancelled'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        settle: (reply) => {
          const settled = outcome(reply);
          if (settled === undefined) return;
          this.pending.delete(id);
          signal?.removeEventListener('abort', onAbort);
          if ('error' in settled) reject(settled.error);
          else resolve(settled.value);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      });
      this.worker.postMessage({ id, ...message });
    });
  }

  private timed(durationMs: number): void {
    this.onInference?.({ modelPath: this.modelPath, backend: this.backend, durationMs });
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

function executionProviders(backend: string): unknown[] {
  // CPU stays last so ORT can place operators the accelerator lacks.
  return backend === 'cpu' ? ['cpu'] : [backend, 'cpu'];
}

function sessionSettings(options: SessionOptions): SessionSettings {
  return {
    intraOpThreads: options.intraOpThreads,
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    memoryArena: options.memoryArena ?? true,
    memoryPattern: options.memoryPattern ?? true,
    spinning: options.spinning ?? false,
  };
}

interface ReadyMessage { type: 'ready'; inputs: TensorInfo[]; outputs: TensorInfo[]; applied: SessionSettings }
interface LoadFailedMessage { type: 'load_failed'; error: { message: string } }

function startSession(
  modelPath: string, backend: string, settings: SessionSettings, programs: readonly URL[],
  reopen: () => Promise<ModelSession>, onInference?: (timing: InferenceTiming) => void,
): Promise<WorkerSession> {
  const worker = new Worker(WORKER_URL, {
    execArgv: [],
    workerData: { modelPath, backend, executionProviders: executionProviders(backend), ...settings, programs: programs.map((url) => url.href) },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (message: ReadyMessage | LoadFailedMessage) => {
      if (message.type === 'ready') {
        resolve(new WorkerSession(modelPath, backend, message.inputs, message.outputs, message.applied, worker, reopen, onInference));
      } else {
        reject(modelLoadFailed(`could not load ${modelPath} on ${backend}: ${message.error.message}`));
      }
    });
    worker.once('error', (error) => reject(modelLoadFailed(`could not load ${modelPath}: ${error.message}`, error)));
  });
}

function chooseBackend(requested: string, available: BackendInfo[], options: SessionOptions, logger?: Logger): string {
  const info = available.find((b) => b.name === requested);
  if (info?.available) return requested;
  const why = info ? info.reason : `unknown backend; known: ${available.map((b) => b.name).join(', ')}`;
  if (options.fallbackToCpu) {
    logger?.warn(`backend '${requested}' is not available (${why}); falling back to cpu`, { requested, reason: why });
    return 'cpu';
  }
  const usable = available.filter((b) => b.available).map((b) => b.name).join(', ');
  throw backendUnavailable(`backend '${requested}' is not available: ${why}. Usable here: ${usable}`);
}

/**
 * Opens ONNX models on a backend, once per model, backend and options; each session runs in a worker
 * thread. Sessions of one `group` replace one another (see SessionOptions.group).
 */
export function createSessionPool(options: { logger?: Logger; onInference?: (timing: InferenceTiming) => void } = {}): SessionPool {
  const sessions = new Map<string, { session: Promise<WorkerSession>; group?: string }>();
  /** Opens not yet released, per model path. */
  const holders = new Map<string, number>();
  let available: BackendInfo[] | undefined;

  /** Replaces the sessions of `group` (other than `key`) and waits until their workers have ended. */
  const replace = async (group: string, key?: string) => {
    const replaced = [...sessions].filter(([other, entry]) => other !== key && entry.group === group);
    for (const [other] of replaced) sessions.delete(other);
    const opened = await Promise.allSettled(replaced.map(([, entry]) => entry.session));
    await Promise.all(opened.map((r) => (r.status === 'fulfilled' ? r.value.replace() : undefined)));
  };

  const pool: SessionPool = {
    async backends() {
      available ??= listBackends();
      return available;
    },

    async open(modelPath, sessionOptions = {}) {
      const backend = chooseBackend(sessionOptions.backend ?? 'cpu', await pool.backends(), sessionOptions, options.logger);
      const settings = sessionSettings(sessionOptions);
      const key = JSON.stringify([modelPath, backend, settings]);
      holders.set(modelPath, (holders.get(modelPath) ?? 0) + 1);
      const found = sessions.get(key);
      if (found) {
        const session = await found.session;
        if (!session.ended) return session;
        // Its worker ended on its own (a crash): a fresh one takes its place.
        if (sessions.get(key) === found) sessions.delete(key);
      }
      const { group } = sessionOptions;
      const session = (group === undefined ? Promise.resolve() : replace(group, key))
        .then(() => startSession(modelPath, backend, settings, sessionOptions.programs ?? [], () => pool.open(modelPath, sessionOptions), options.onInference));
      sessions.set(key, { session, group });
      session.catch(() => sessions.delete(key));
      return session;
    },

    vacate: (group) => replace(group),

    async release(modelPath) {
      const held = (holders.get(modelPath) ?? 0) - 1;
      if (held > 0) {
        holders.set(modelPath, held);
        return;
      }
      holders.delete(modelPath);
      const keys = [...sessions.keys()].filter((key) => (JSON.parse(key) as unknown[])[0] === modelPath);
      const closing = keys.map((key) => sessions.get(key)?.session as Promise<WorkerSession>);
      for (const key of keys) sessions.delete(key);
      const opened = await Promise.allSettled(closing);
      await Promise.all(opened.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
    },

    async close() {
      holders.clear();
      const opened = await Promise.allSettled([...sessions.values()].map((entry) => entry.session));
      sessions.clear();
      await Promise.all(opened.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
    },
  };
  return pool;
}
