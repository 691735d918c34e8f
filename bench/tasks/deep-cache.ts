import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import builtin from '../../nodes/index.ts';
import { SD_TYPES, type ImageBatch, type Latent } from '../../nodes/lib/sd-types.ts';
import { applyOverrides, createExecutor, createRegistry, defineNode, definePlugin, socket, type Workflow } from '../../runtime/index.ts';
import { createSessionPool } from '../../runtime/backends/index.ts';
import { maxRelativeError, psnr } from '../compare.ts';

const TXT2IMG = fileURLToPath(new URL('../../workflows/txt2img.json', import.meta.url));

export interface DeepCacheArgs {
  dataDir: string;
  model: string;
  steps: number;
  /** The runs, in order, in one process: e.g. [1, 3, 1] (off, on, off again). The first must be 1, the reference. */
  intervals: number[];
}

export interface DeepCacheRun {
  interval: number;
  wallMs: number;
  /** Every UNet call's ORT time, in order: with one prompt batch and euler, call i is full when i % interval is 0. */
  unetCallMs: number[];
  /** Against the first run: max |latent - reference| / max |reference|, and the decoded image's PSNR (8-bit pixels). */
  latentMaxRelativeError: number;
  psnrDb: number;
}

/** Hands the run's final latent and decoded image to the task. */
function keeper(keep: (latent: Latent, image: ImageBatch) => void) {
  return definePlugin({
    name: 'latentflow-bench-deep-cache',
    version: '0.0.0',
    runtime: '^1',
    description: 'Keeps the sampled latent and its image for the DeepCache drift figures.',
    nodes: [defineNode({
      type: 'BenchKeepLatentAndImage',
      displayName: 'Bench Keep',
      category: 'bench',
      description: 'Keeps its inputs for the benchmark.',
      output: true,
      inputs: { latent: socket<Latent>(SD_TYPES.latent), image: socket<ImageBatch>(SD_TYPES.image) },
      outputs: {},
      async execute({ latent, image }) {
        keep(latent, image);
        return {};
      },
    })],
  });
}

const unit = (image: ImageBatch) => Float32Array.from(image.data, (v) => v / 127.5 - 1);

/**
 * The shipped txt2img at 512x512 (batch 2 through the UNet: CFG), euler, with UNetStep's deep_cache_interval set per
 * run, all runs in one process and one session pool (the plain UNet and the DeepCache variant each opened once).
 */
export async function deepCache(args: DeepCacheArgs): Promise<DeepCacheRun[]> {
  const outputDir = mkdtempSync(join(tmpdir(), 'latentflow-bench-'));
  let calls: number[] = [];
  const sessions = createSessionPool({ onInference: (t) => { if (t.modelPath.endsWith(join('unet', 'model.onnx'))) calls.push(t.durationMs); } });
  let kept: { latent: Latent; image: ImageBatch } | undefined;
  const registry = createRegistry();
  registry.register(builtin);
  registry.register(keeper((latent, image) => { kept = { latent, image }; }));
  const shipped = JSON.parse(readFileSync(TXT2IMG, 'utf8')) as Workflow;
  const { save: _save, ...nodes } = shipped.nodes;
  nodes.keep = { type: 'BenchKeepLatentAndImage', inputs: { latent: { from: 'unet', output: 'latent' }, image: { from: 'decode', output: 'image' } } };
  const executor = createExecutor({ registry, cacheSize: 0 });
  const runs: DeepCacheRun[] = [];
  let reference: { latent: Latent; image: ImageBatch } | undefined;
  try {
    for (const interval of args.intervals) {
      const workflow = applyOverrides({ ...shipped, nodes }, {
        'model.model': args.model, 'latent.width': 512, 'latent.height': 512, 'schedule.steps': args.steps, 'schedule.sampler': 'euler',
        'unet.deep_cache_interval': interval,
      });
      calls = [];
      const started = performance.now();
      const result = await executor.run(workflow, { env: { dataDir: args.dataDir, outputDir, inputDir: outputDir, backend: 'cpu', workflow, sessions } });
      if (result.status !== 'finished' || !kept) throw new Error(`txt2img with deep_cache_interval ${interval} did not finish: ${JSON.stringify(result)}`);
      const wallMs = performance.now() - started;
      reference ??= kept;
      runs.push({
        interval, wallMs, unetCallMs: calls,
        latentMaxRelativeError: maxRelativeError(kept.latent.data, reference.latent.data),
        psnrDb: psnr(unit(kept.image), unit(reference.image)),
      });
      process.stderr.write(`[bench] deep-cache ${args.model} interval ${interval}: ${(wallMs / 1000).toFixed(1)} s, UNet calls ${calls.map((ms) => (ms / 1000).toFixed(1)).join(' ')} s\n`);
    }
    return runs;
  } finally {
    await sessions.close();
    rmSync(outputDir, { recursive: true, force: true });
  }
}
