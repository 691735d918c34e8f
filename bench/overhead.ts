import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import builtin from '../nodes/index.ts';
import { ensureTinyModels } from '../models/tiny.ts';
import { applyOverrides, createExecutor, createRegistry, type Workflow } from '../runtime/index.ts';
import { createSessionPool } from '../runtime/backends/index.ts';
import { callerTimedPool } from './caller-timed-pool.ts';
import { median } from './timed-session.ts';
import { trivialChain, trivialPlugin } from './trivial-nodes.ts';

const TXT2IMG = fileURLToPath(new URL('../workflows/txt2img.json', import.meta.url));
const DATA_DIR = fileURLToPath(new URL('../data/', import.meta.url));

export interface WorkflowOverhead {
  runs: number;
  wallMs: number;
  inferenceMs: number;
  inferences: number;
  /** Time inside each node's execute, summed over the runs. */
  nodeMs: Record<string, number>;
  /** ORT time per network folder (`unet`, `text_encoder`, ...), summed over the runs. */
  inferenceMsByNetwork: Record<string, number>;
  /** run() and runProgram() time as the nodes saw it: ORT, the hand-offs to and from the worker threads, UNetStep's loop. */
  callerMs: number;
  /** Each run's own end-to-end and ORT time, in order. */
  perRun: { wallMs: number; inferenceMs: number }[];
}

/**
 * The shipped txt2img on the tiny model, run end to end through the executor (cache off, sessions
 * already open) against the sum of what ORT's run() itself took over the same runs.
 */
export async function measureTxt2imgOverhead(runs = 7): Promise<WorkflowOverhead> {
  await ensureTinyModels(DATA_DIR);
  const outputDir = mkdtempSync(join(tmpdir(), 'latentflow-bench-'));
  let inferences = 0;
  let inferenceMsByNetwork: Record<string, number> = {};
  let nodeMs: Record<string, number> = {};
  const timedPool = callerTimedPool(createSessionPool({
    onInference: (t) => {
      const network = basename(dirname(t.modelPath));
      inferenceMsByNetwork[network] = (inferenceMsByNetwork[network] ?? 0) + t.durationMs;
      inferences++;
    },
  }));
  const sessions = timedPool.pool;
  const registry = createRegistry();
  registry.register(builtin);
  const executor = createExecutor({ registry, cacheSize: 0 });
  const workflow = applyOverrides(JSON.parse(readFileSync(TXT2IMG, 'utf8')) as Workflow, { 'model.model': 'tiny' });
  const env = { dataDir: DATA_DIR, outputDir, inputDir: outputDir, backend: 'cpu', workflow, sessions };
  const runOnce = async () => {
    const result = await executor.run(workflow, {
      env,
      onEvent: (event) => {
        if (event.type === 'node_finished') nodeMs[event.nodeId] = (nodeMs[event.nodeId] ?? 0) + event.durationMs;
      },
    });
    if (result.status !== 'finished') throw new Error(`tiny txt2img did not finish: ${JSON.stringify(result)}`);
  };
  try {
    await runOnce(); // opens the sessions
    inferences = 0;
    inferenceMsByNetwork = {};
    nodeMs = {};
    timedPool.reset();
    const ortSoFar = () => Object.values(inferenceMsByNetwork).reduce((a, b) => a + b, 0);
    const perRun: WorkflowOverhead['perRun'] = [];
    for (let i = 0; i < runs; i++) {
      const [started, ortBefore] = [performance.now(), ortSoFar()];
      await runOnce();
      perRun.push({ wallMs: performance.now() - started, inferenceMs: ortSoFar() - ortBefore });
    }
    const wallMs = perRun.reduce((sum, run) => sum + run.wallMs, 0);
    return { runs, wallMs, inferenceMs: ortSoFar(), inferences, nodeMs, inferenceMsByNetwork, callerMs: timedPool.callerMs(), perRun };
  } finally {
    await sessions.close();
    rmSync(outputDir, { recursive: true, force: true });
  }
}

/** Milliseconds per node of a chain of trivial nodes: validation, ordering, signatures, events. */
export async function measurePerNodeOverhead(nodes = 300, runs = 7): Promise<number> {
  const registry = createRegistry();
  registry.register(trivialPlugin);
  const executor = createExecutor({ registry, cacheSize: 0 });
  const workflow = trivialChain(nodes);
  const env = { dataDir: DATA_DIR, outputDir: tmpdir(), inputDir: tmpdir(), backend: 'cpu', workflow, sessions: createSessionPool() };
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const started = performance.now();
    const result = await executor.run(workflow, { env, onEvent: () => {} });
    if (result.status !== 'finished') throw new Error(`trivial chain did not finish: ${JSON.stringify(result)}`);
    if (i > 0) times.push(performance.now() - started); // the first run warms the JIT
  }
  return median(times) / (nodes + 1);
}
