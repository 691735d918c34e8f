import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import builtin from '../../nodes/index.ts';
import { applyOverrides, createExecutor, createRegistry, type Workflow } from '../../runtime/index.ts';
import { createSessionPool } from '../../runtime/backends/index.ts';
import { callerTimedPool } from '../caller-timed-pool.ts';

const TXT2IMG = fileURLToPath(new URL('../../workflows/txt2img.json', import.meta.url));

/** Workflow overrides (`node.input`, node ids as in workflows/txt2img.json): the model, size, steps and options to run with. */
export type Txt2imgOverrides = Record<string, string | number | boolean>;

export interface Txt2imgArgs { dataDir: string; overrides: Txt2imgOverrides }

export interface Txt2imgResult {
  /** The run end to end, opening the sessions included. */
  wallMs: number;
  /** Of which opening (loading) the networks' sessions. */
  openMs: number;
  /** Of which ORT's run() itself, all networks. */
  inferenceMs: number;
  /** ORT's run() time per network folder (`unet`, `text_encoder`, `vae_decoder`). */
  inferenceMsByNetwork: Record<string, number>;
}

/** workflows/txt2img.json with the given overrides, run once end to end in this process (a fresh session pool, cache off). */
export async function txt2img(args: Txt2imgArgs): Promise<Txt2imgResult> {
  const outputDir = mkdtempSync(join(tmpdir(), 'latentflow-bench-'));
  const inferenceMsByNetwork: Record<string, number> = {};
  const timed = callerTimedPool(createSessionPool({
    onInference: (t) => {
      const network = basename(dirname(t.modelPath));
      inferenceMsByNetwork[network] = (inferenceMsByNetwork[network] ?? 0) + t.durationMs;
    },
  }));
  const sessions = timed.pool;
  const registry = createRegistry();
  registry.register(builtin);
  const workflow = applyOverrides(JSON.parse(readFileSync(TXT2IMG, 'utf8')) as Workflow, args.overrides);
  const env = { dataDir: args.dataDir, outputDir, inputDir: outputDir, backend: 'cpu', workflow, sessions };
  try {
    const started = performance.now();
    const result = await createExecutor({ registry, cacheSize: 0 }).run(workflow, { env });
    if (result.status !== 'finished') throw new Error(`full-size txt2img did not finish: ${JSON.stringify(result)}`);
    const wallMs = performance.now() - started;
    const inferenceMs = Object.values(inferenceMsByNetwork).reduce((a, b) => a + b, 0);
    return { wallMs, openMs: timed.openMs(), inferenceMs, inferenceMsByNetwork };
  } finally {
    await sessions.close();
    rmSync(outputDir, { recursive: true, force: true });
  }
}
