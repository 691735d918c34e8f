import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NodeContext, Preview, RunEnvironment } from '../../runtime/index.ts';
import type { ModelSession, ProgramOptions, SessionOptions, SessionPool, SessionProgram } from '../../runtime/backends/index.ts';

export interface RecordedContext extends NodeContext {
  progressCalls: [number, number][];
  previews: Preview[];
  warnings: string[];
  opened: { path: string; options?: SessionOptions }[];
}

/** A node context over temp folders; `sessions` maps model paths to fake sessions. */
export async function fakeContext(
  options: { sessions?: Record<string, ModelSession>; env?: Partial<RunEnvironment>; signal?: AbortSignal } = {},
): Promise<RecordedContext> {
  const root = await mkdtemp(path.join(tmpdir(), 'lf-nodes-'));
  const opened: RecordedContext['opened'] = [];
  const pool: SessionPool = {
    async open(modelPath, sessionOptions) {
      opened.push({ path: modelPath, options: sessionOptions });
      const session = options.sessions?.[modelPath];
      if (!session) throw new Error(`no fake session for ${modelPath}`);
      return session;
    },
    async release() {},
    async vacate() {},
    async backends() {
      return [{ name: 'cpu', available: true }];
    },
    async close() {},
  };
  const env: RunEnvironment = {
    dataDir: path.join(root, 'data'),
    outputDir: path.join(root, 'output'),
    inputDir: path.join(root, 'input'),
    backend: 'cpu',
    workflow: { version: 1, nodes: {} },
    sessions: pool,
    ...options.env,
  };
  const ctx: RecordedContext = {
    nodeId: 'node',
    signal: options.signal ?? new AbortController().signal,
    env,
    progressCalls: [],
    previews: [],
    warnings: [],
    opened,
    progress(value, max) {
      ctx.progressCalls.push([value, max]);
    },
    preview(preview) {
      ctx.previews.push(preview);
    },
    log: {
      debug() {},
      info() {},
      warn(message) {
        ctx.warnings.push(message);
      },
      error() {},
    },
  };
  return ctx;
}

/**
 * A fake ONNX session computing `run` in plain JS. Its programs run in this thread, as the inference
 * worker runs them in its own, with the input and messages copied as they would be between threads
 * (so a value that cannot cross, like a function or a session, fails here too).
 */
export function fakeSession(
  modelPath: string,
  io: Pick<ModelSession, 'inputs' | 'outputs'>,
  run: ModelSession['run'],
): ModelSession & { calls: Parameters<ModelSession['run']>[0][] } {
  const calls: Parameters<ModelSession['run']>[0][] = [];
  const session: ModelSession & { calls: typeof calls } = {
    modelPath,
    backend: 'cpu',
    settings: { graphOptimizationLevel: 'all', memoryArena: true, memoryPattern: true, spinning: false },
    ...io,
    calls,
    async run(feeds, runOptions) {
      calls.push(feeds);
      return run(feeds, runOptions);
    },
    async runProgram<I, O, M>(program: URL, input: I, programOptions: ProgramOptions<M> = {}) {
      const { default: start } = (await import(program.href)) as { default: SessionProgram<I, O, M> };
      const signal = programOptions.signal ?? new AbortController().signal;
      return structuredClone(await start(structuredClone(input), { session, post: (message) => programOptions.onMessage?.(structuredClone(message)), signal }));
    },
  };
  return session;
}
