import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import builtin from '../../nodes/index.ts';
import { patchCacheDir } from '../../nodes/lib/patched-network.ts';
import { applyOverrides, createExecutor, createRegistry, type Workflow } from '../../runtime/index.ts';
import { createSessionPool } from '../../runtime/backends/index.ts';
import { peakRssBytes } from '../peak-rss.ts';
import { writeBenchLora } from './apply-lora.ts';

const TXT2IMG = fileURLToPath(new URL('../../workflows/txt2img.json', import.meta.url));
const LORA_FILE = 'bench-lora';

export interface LoraTxt2imgArgs { dataDir: string; model: string; side: number }

export interface LoraTxt2imgResult {
  loraBytes: number;
  /** Without a LoRA: the run's wall time and the process's peak memory after it. */
  plain: { wallMs: number; peakRssBytes: number };
  /** Then the LoRA at two strengths, one after the other in the same process. */
  withLora: { strength: number; wallMs: number; peakRssBytes: number }[];
}

/** The shipped txt2img with a LoraLoader between the model and everything that uses its UNet and CLIP. */
function withLoraLoader(workflow: Workflow, strength: number): Workflow {
  const nodes: Workflow['nodes'] = {};
  for (const [id, node] of Object.entries(workflow.nodes)) {
    const inputs = Object.fromEntries(Object.entries(node.inputs ?? {}).map(([name, value]) => {
      const link = value as { from?: string; output?: string };
      return [name, link?.from === 'model' && (link.output === 'unet' || link.output === 'clip') ? { from: 'lora', output: link.output } : value];
    }));
    nodes[id] = { ...node, inputs };
  }
  nodes.lora = {
    type: 'LoraLoader',
    inputs: { unet: { from: 'model', output: 'unet' }, clip: { from: 'model', output: 'clip' }, lora_name: LORA_FILE, strength_model: strength, strength_clip: strength },
  };
  return { ...workflow, nodes };
}

/**
 * One process, one session pool, as a server runs: txt2img (1 step) without a LoRA, then with the
 * bench LoRA at 0.8, then at 0.5. Each change opens a new patched UNet and text encoder; the peak
 * memory after each run shows whether the replaced sessions were let go.
 */
export async function loraTxt2img(args: LoraTxt2imgArgs): Promise<LoraTxt2imgResult> {
  const loraPath = join(args.dataDir, 'loras', `${LORA_FILE}.safetensors`);
  writeBenchLora(join(args.dataDir, 'models', args.model), loraPath);
  rmSync(patchCacheDir(args.dataDir), { recursive: true, force: true });
  const outputDir = mkdtempSync(join(tmpdir(), 'latentflow-bench-'));
  const sessions = createSessionPool();
  const registry = createRegistry();
  registry.register(builtin);
  const base = applyOverrides(JSON.parse(readFileSync(TXT2IMG, 'utf8')) as Workflow, {
    'model.model': args.model, 'latent.width': args.side, 'latent.height': args.side, 'schedule.steps': 1,
  });
  const executor = createExecutor({ registry, cacheSize: 0 });
  const run = async (workflow: Workflow) => {
    const started = performance.now();
    const result = await executor.run(workflow, { env: { dataDir: args.dataDir, outputDir, inputDir: outputDir, backend: 'cpu', workflow, sessions } });
    if (result.status !== 'finished') throw new Error(`txt2img did not finish: ${JSON.stringify(result)}`);
    return { wallMs: performance.now() - started, peakRssBytes: peakRssBytes() };
  };
  try {
    const plain = await run(base);
    const withLora = [];
    for (const strength of [0.8, 0.5]) withLora.push({ strength, ...(await run(withLoraLoader(base, strength))) });
    return { loraBytes: statSync(loraPath).size, plain, withLora };
  } finally {
    await sessions.close();
    rmSync(outputDir, { recursive: true, force: true });
  }
}
