import type { FloatTensorSpec, TensorSpec } from './tensor-spec.ts';

/**
 * Seeded random weights at scales that keep activations of a network near unit size:
 * matrices and kernels uniform with std 1/sqrt(fan_in), 1-D `.weight` (norm gains) near 1,
 * biases near 0. Each tensor's values depend only on the seed and its name, not on the order.
 */
export function syntheticTensors(
  shapes: Iterable<[string, number[]]>,
  options: { seed?: number } = {},
): FloatTensorSpec[] {
  const seed = options.seed ?? 0;
  return [...shapes].map(([name, shape]) => ({ name, shape, values: () => syntheticValues(name, shape, seed) }));
}

export function syntheticValues(name: string, shape: number[], seed: number): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const random = uniformRandom(hashName(name) ^ seed);
  const isMatrix = shape.length >= 2;
  const isNormGain = !isMatrix && name.endsWith('.weight');
  const center = isNormGain ? 1 : 0;
  const std = isMatrix ? 1 / Math.sqrt(shape.slice(1).reduce((a, b) => a * b, 1)) : isNormGain ? 0.05 : 0.01;
  const halfWidth = std * Math.sqrt(3);
  for (let i = 0; i < out.length; i++) out[i] = center + (2 * random() - 1) * halfWidth;
  return out;
}

/**
 * Tensors real SD 1.x checkpoints carry beyond what the networks need (position ids and the training
 * noise schedule), so tests see what the converter must ignore.
 */
export function stableDiffusionExtras(): TensorSpec[] {
  const steps = 1000;
  const betas = new Float32Array(steps);
  const start = Math.sqrt(0.00085);
  const end = Math.sqrt(0.012);
  for (let i = 0; i < steps; i++) betas[i] = (start + ((end - start) * i) / (steps - 1)) ** 2;
  const alphasCumprod = new Float32Array(steps);
  let product = 1;
  for (let i = 0; i < steps; i++) alphasCumprod[i] = product *= 1 - betas[i];
  const previous = new Float32Array(steps);
  previous[0] = 1;
  previous.set(alphasCumprod.subarray(0, steps - 1), 1);
  return [
    {
      name: 'cond_stage_model.transformer.text_model.embeddings.position_ids',
      shape: [1, 77],
      dtype: 'I64',
      values: () => BigInt64Array.from({ length: 77 }, (_, i) => BigInt(i)),
    },
    { name: 'betas', shape: [steps], dtype: 'F32', values: () => betas },
    { name: 'alphas_cumprod', shape: [steps], dtype: 'F32', values: () => alphasCumprod },
    { name: 'alphas_cumprod_prev', shape: [steps], dtype: 'F32', values: () => previous },
    { name: 'logvar', shape: [steps], dtype: 'F32', values: () => new Float32Array(steps) },
  ];
}

/** FNV-1a over the UTF-16 code units of the name. */
function hashName(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** mulberry32: a small, fast 32-bit generator; returns floats in [0, 1). */
function uniformRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
