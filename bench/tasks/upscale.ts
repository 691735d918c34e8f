import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeCkpt } from '../../models/checkpoint/index.ts';
import { REAL_ESRGAN_X4PLUS, seededRrdbnetTensors } from '../../models/upscale/index.ts';
import { createSessionPool } from '../../runtime/backends/index.ts';
import type { NodeContext } from '../../runtime/index.ts';
import imageUpscaleWithModel from '../../nodes/image-upscale-with-model.ts';
import upscaleModelLoader from '../../nodes/upscale-model-loader.ts';

export interface UpscaleArgs { dataDir: string; side: number }
export interface UpscaleResult { width: number; height: number; tiles: number; upscaleMs: number }

export const BENCH_UPSCALE_MODEL = 'bench-x4plus-seeded.pth';

/** Real-ESRGAN x4plus sizes with seeded weights, as a `params_ema` .pth in `<dataDir>/upscale_models/`. */
export async function writeUpscaleModel(args: { dataDir: string }): Promise<{ path: string }> {
  const dir = join(args.dataDir, 'upscale_models');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, BENCH_UPSCALE_MODEL);
  writeCkpt(path, seededRrdbnetTensors(REAL_ESRGAN_X4PLUS, 7), { wrapperKey: 'params_ema' });
  return { path };
}

/**
 * UpscaleModelLoader then ImageUpscaleWithModel (automatic tiles) on a side x side image, as a workflow
 * runs them: the process's peak memory is the model, the tiles' activations and the image buffers.
 */
export async function upscale(args: UpscaleArgs): Promise<UpscaleResult> {
  const sessions = createSessionPool();
  let tiles = 0;
  const ctx: NodeContext = {
    nodeId: 'upscale', signal: new AbortController().signal,
    env: { dataDir: args.dataDir, outputDir: args.dataDir, inputDir: args.dataDir, backend: 'cpu', workflow: null, sessions },
    progress: (_, max) => { tiles = max; },
    preview() {},
    log: { debug() {}, info() {}, warn() {}, error() {} },
  };
  try {
    const { upscale_model } = await upscaleModelLoader.execute({ model_name: BENCH_UPSCALE_MODEL }, ctx);
    const data = Uint8Array.from({ length: args.side * args.side * 3 }, (_, i) => (i * 37) % 251);
    const started = performance.now();
    const { image } = await imageUpscaleWithModel.execute(
      { image: { width: args.side, height: args.side, batch: 1, data }, upscale_model, tile_size: 0, overlap: 16 }, ctx,
    );
    return { width: image.width, height: image.height, tiles, upscaleMs: performance.now() - started };
  } finally {
    await sessions.close();
  }
}
