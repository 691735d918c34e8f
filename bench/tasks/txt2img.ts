import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import builtin from '../../nodes/index.ts';
import { applyOverrides, createExecutor, createRegistry, type Workflow } from '../../runtime/index.ts';
import { createSessionPool } from '../../runtime/backends/index.ts';
import { callerTimedPool } from '../caller-timed-pool.ts';

const TXT2IMG = fileURLToPath(new URL('../../workflows/txt2img.json', import.meta.url));

export interface Txt2imgArgs { dataDir: string; model: string; steps: number }

export interface Txt2imgResult { wallMs: number; openMs: number; inferenceMs: number }

/** The shipped txt2img at 512x512 on a full-size model; memory does not grow with the step count. */
export async function txt2img(args: Txt2imgArgs): Promise<Txt2imgResult> {
  const outputDir = mkdtempSync(join(tmpdir(), 'latentflow-bench-'));
  let inferenceMs = 0;
  const timed = callerTimedPool(createSessionPool({ onInference: (t) => { inferenceMs += t.durationMs; } }));
  const sessions = timed.pool;
  const registry = createRegistry();
  registry.register(builtin);
  const workflow = applyOverrides(JSON.parse(readFileSync(TXT2IMG, 'utf8')) as Workflow, {
    'model.model': args.model, 'latent.width': 512, 'latent.height': 512, 'schedule.steps': args.steps,
  });
  const env = { dataDir: args.dataDir, outputDir, inputDir: outputDir, backend: 'cpu', workflow, sessions };
  try {
    const started = performance.now();
    const result = await createExecutor({ registry, cacheSize: 0 }).run(workflow, { env });
    if (result.status !== 'finished') throw new Error(`full-size txt2img did not finish: ${JSON.stringify(result)}`);
    return { wallMs: performance.now() - started, openMs: timed.openMs(), inferenceMs };
  } finally {
    await sessions.close();
    rmSync(outputDir, { recursive: true, force: true });
  }
}
