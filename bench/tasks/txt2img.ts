import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import builtin from '../../nodes/index.ts';
import { applyOverrides, createExecutor, createRegistry, type Workflow } from '../../runtime/index.ts';
import { createSessionPool } from '../../runtime/backends/index.ts';

const TXT2IMG = fileURLToPath(new URL('../../workflows/txt2img.json', import.meta.url));

export interface Txt2imgArgs { dataDir: string; model: string; steps: number }

/** The shipped txt2img at 512x512 on a full-size model; memory does not grow with the step count. */
export async function txt2img(args: Txt2imgArgs): Promise<{ wallMs: number }> {
  const outputDir = mkdtempSync(join(tmpdir(), 'latentflow-bench-'));
  const sessions = createSessionPool();
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
    return { wallMs: performance.now() - started };
  } finally {
    await sessions.close();
    rmSync(outputDir, { recursive: true, force: true });
  }
}
