import { join } from 'node:path';
import { GraphBuilder, ops, toFloat16, writeOnnxModel } from '../models/onnx/index.ts';
import { createNoise } from '../models/noise.ts';

/** The two kernels the UNet's time goes to, at the sizes named in issue 7. */
export const MATMUL_SIZE = 2048;
export const CONV = { batch: 2, channels: 320, side: 64 } as const;

export const MATMUL_GFLOP = (2 * MATMUL_SIZE ** 3) / 1e9;
export const CONV_GFLOP = (2 * CONV.batch * CONV.channels * CONV.channels * 9 * CONV.side * CONV.side) / 1e9;

const randomWeights = (count: number, seed: number) => {
  const values = createNoise(seed).normal(count);
  for (let i = 0; i < count; i++) values[i] *= 0.02;
  return values;
};

/** `a` [2048, 2048] @ a constant [2048, 2048] matrix (a constant, so ORT pre-packs it as it does model weights). */
export function writeMatmulModel(dir: string, precision: 'float32' | 'float16'): string {
  const g = new GraphBuilder();
  const a = g.input('a', precision, [MATMUL_SIZE, MATMUL_SIZE]);
  const weights = randomWeights(MATMUL_SIZE * MATMUL_SIZE, 1);
  const b = g.initializer('b', precision, [MATMUL_SIZE, MATMUL_SIZE], () => (precision === 'float16' ? toFloat16(weights) : weights));
  g.output(g.op('MatMul', [a, b]), 'product', precision);
  const path = join(dir, `matmul-${precision}.onnx`);
  writeOnnxModel(g.build(`matmul_${precision}`), path, { externalData: false });
  return path;
}

/** A 3x3 convolution of 320 channels at 64x64, batch 2: the UNet's first-level convolution. */
export function writeConvModel(dir: string): string {
  const g = new GraphBuilder();
  const { batch, channels, side } = CONV;
  const x = g.input('x', 'float32', [batch, channels, side, side]);
  const w = g.initializer('w', 'float32', [channels, channels, 3, 3], () => randomWeights(channels * channels * 9, 2));
  const bias = g.initializer('bias', 'float32', [channels], () => new Float32Array(channels));
  g.output(ops.conv2d(g, x, w, bias, { kernel: 3 }), 'y', 'float32');
  const path = join(dir, 'conv3x3-float32.onnx');
  writeOnnxModel(g.build('conv3x3'), path, { externalData: false });
  return path;
}
