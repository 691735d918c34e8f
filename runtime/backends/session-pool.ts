import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.ts';
import { listBackends } from './availability.ts';
import { backendUnavailable, cancelled, inferenceFailed, modelLoadFailed, sessionClosed } from '../errors.ts';
import type { BackendInfo, ModelSession, SessionOptions, SessionPool, SessionSettings, Tensor, TensorInfo } from './types.ts';

const WORKER_URL = new URL('./ort-worker.js', import.meta.url);

/** Reported after every inference: the time ORT itself spent, excluding the hand-over between threads. */
export interface InferenceTiming { modelPath: string; backend: string; durationMs: number }

interface WorkerReply {
  id: number;
  outputs?: Record<string, Tensor>;
  durationMs?: number;
  error?: { message: string };
}

/** A model session whose inference runs in its own worker thread. */
class WorkerSession implements ModelSession {
  private nextId = 0;
  private closing: Promise<void> | undefined;
  private readonly pending = new Map<number, { resolve(outputs: Record<string, Tensor>): void; reject(error: Error): void }>();

  constructor(
    readonly modelPath: string,
    readonly backend: string,
    readonly inputs: readonly TensorInfo[],
    readonly outputs: readonly TensorInfo[],
    readonly settings: SessionSettings,
    private readonly worker: Worker,
    /** A fresh session for the same model and options, for runs after this one was closed (replaced in its group). */
    private readonly reopen: () => Promise<ModelSession>,
    private readonly onInference?: (timing: InferenceTiming) => void,
  ) {
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    worker.on('error', (error) => this.failAll(inferenceFailed(`the inference worker for ${modelPath} crashed: ${error.message}`, error)));
    worker.on('exit', () => this.failAll(sessionClosed(modelPath)));
  }

  run(feeds: Record<string, Tensor>, options: { signal?: AbortSignal } = {}): Promise<Record<string, Tensor>> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(cancelled(signal.reason, 'inference was cancelled'));
    if (this.closing) return this.reopen().then((session) => session.run(feeds, options));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(id);
        reject(cancelled(signal?.reason, 'inference was cancelled'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (outputs) => { signal?.removeEventListener('abort', onAbort); resolve(outputs); },
        reject: (error) => { signal?.removeEventListener('abort', onAbort); reject(error); },
      });
      this.worker.postMessage({ id, feeds });
    });
  }

  /** Ends the worker once the inferences already asked for are done. */
  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      this.worker.once('exit', () => resolve());
      this.worker.postMessage({ type: 'close' });
    });
    return this.closing;
  }

  private settle(reply: WorkerReply): void {
    const waiter = this.pending.get(reply.id);
    if (!waiter) return; // cancelled meanwhile
    this.pending.delete(reply.id);
    if (reply.error) {
      waiter.reject(inferenceFailed(`inference of ${this.modelPath} failed: ${reply.error.message}`));
    } else {
      this.onInference?.({ modelPath: this.modelPath, backend: this.backend, durationMs: reply.durationMs! });
      waiter.resolve(reply.outputs!);
    }
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
  };
}

interface ReadyMessage { type: 'ready'; inputs: TensorInfo[]; outputs: TensorInfo[]; applied: SessionSettings }
interface LoadFailedMessage { type: 'load_failed'; error: { message: string } }

function startSession(
  modelPath: string, backend: string, settings: SessionSettings, reopen: () => Promise<ModelSession>, onInference?: (timing: InferenceTiming) => void,
): Promise<WorkerSession> {
  const worker = new Worker(WORKER_URL, {
    execArgv: [],
    workerData: { modelPath, executionProviders: executionProviders(backend), ...settings },
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
  let available: BackendInfo[] | undefined;

  /** Closes the sessions of `group` (other than `key`) and waits until their workers have ended. */
  const replace = async (group: string, key: string) => {
    const replaced = [...sessions].filter(([other, entry]) => other !== key && entry.group === group);
    for (const [other] of replaced) sessions.delete(other);
    const opened = await Promise.allSettled(replaced.map(([, entry]) => entry.session));
    await Promise.all(opened.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
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
      const found = sessions.get(key);
      if (found) return found.session;
      const { group } = sessionOptions;
      const session = (group === undefined ? Promise.resolve() : replace(group, key))
        .then(() => startSession(modelPath, backend, settings, () => pool.open(modelPath, sessionOptions), options.onInference));
      sessions.set(key, { session, group });
      session.catch(() => sessions.delete(key));
      return session;
    },

    async close() {
      const opened = await Promise.allSettled([...sessions.values()].map((entry) => entry.session));
      sessions.clear();
      await Promise.all(opened.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
    },
  };
  return pool;
}
