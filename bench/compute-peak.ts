import { createNoise } from '../models/noise.ts';
import { toFloat16 } from '../models/onnx/index.ts';
import type { SessionOptions, Tensor } from '../runtime/backends/index.ts';
import { CONV, CONV_GFLOP, MATMUL_GFLOP, MATMUL_SIZE, writeConvModel, writeMatmulModel } from './micro-models.ts';
import { openTimed } from './timed-session.ts';

const RUNS = 5;

export interface ComputePeak {
  matmulGflops: number;
  convGflops: number;
  /** GFLOP/s of the same MatMul in float16, or why ORT's CPU build could not run it. */
  matmulFloat16: { gflops: number } | { unavailable: string };
}

/** The fastest of a few runs after a warm-up: the attainable rate, not a typical one. */
async function bestMs(modelPath: string, feeds: Record<string, Tensor>, options: SessionOptions): Promise<number> {
  const timed = await openTimed(modelPath, options);
  try {
    await timed.run(feeds);
    let best = Infinity;
    for (let i = 0; i < RUNS; i++) best = Math.min(best, (await timed.run(feeds)).ms);
    return best;
  } finally {
    await timed.close();
  }
}

/** The machine's attainable fp32 rate on the UNet's two kernels, in ORT, with the given thread settings. */
export async function measureComputePeak(dir: string, options: SessionOptions = {}): Promise<ComputePeak> {
  const a = createNoise(3).normal(MATMUL_SIZE * MATMUL_SIZE);
  const matmulMs = await bestMs(writeMatmulModel(dir, 'float32'), { a: { type: 'float32', data: a, dims: [MATMUL_SIZE, MATMUL_SIZE] } }, options);
  const x = createNoise(4).normal(CONV.batch * CONV.channels * CONV.side * CONV.side);
  const convMs = await bestMs(writeConvModel(dir), { x: { type: 'float32', data: x, dims: [CONV.batch, CONV.channels, CONV.side, CONV.side] } }, options);
  let matmulFloat16: ComputePeak['matmulFloat16'];
  try {
    const half = { type: 'float16' as const, data: toFloat16(a), dims: [MATMUL_SIZE, MATMUL_SIZE] };
    matmulFloat16 = { gflops: MATMUL_GFLOP / (await bestMs(writeMatmulModel(dir, 'float16'), { a: half }, options) / 1000) };
  } catch (error) {
    matmulFloat16 = { unavailable: (error as Error).message.split('\n')[0].slice(0, 200) };
  }
  return { matmulGflops: MATMUL_GFLOP / (matmulMs / 1000), convGflops: CONV_GFLOP / (convMs / 1000), matmulFloat16 };
}
