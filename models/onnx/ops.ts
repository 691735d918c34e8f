import { float } from './graph.ts';
import type { GraphBuilder } from './graph.ts';

/** Op helpers over a GraphBuilder: each takes value names and returns the output value name. */

const MS = { domain: 'com.microsoft' };

/** x @ weight (+ bias), where `weight` is already laid out [in, out]. */
export function linear(g: GraphBuilder, x: string, weight: string, bias?: string): string {
  const product = g.op('MatMul', [x, weight]);
  return bias ? g.op('Add', [product, bias]) : product;
}

export interface ConvOptions {
  stride?: number;
  /** [top, left, bottom, right]; defaults to "same" padding for the kernel size. */
  pads?: [number, number, number, number];
  kernel: number;
}

export function conv2d(g: GraphBuilder, x: string, weight: string, bias: string | undefined, options: ConvOptions): string {
  const half = Math.floor(options.kernel / 2);
  const pads = options.pads ?? [half, half, half, half];
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return g.op('Conv', inputs, {
    kernel_shape: [options.kernel, options.kernel], strides: [options.stride ?? 1, options.stride ?? 1], pads,
  });
}

/** LayerNormalization over the last axis. */
export function layerNorm(g: GraphBuilder, x: string, scale: string, bias: string, epsilon: number): string {
  return g.op('LayerNormalization', [x, scale, bias], { axis: -1, epsilon: float(epsilon) });
}

/** GroupNormalization (opset 21: per-channel scale and bias) of an [N, C, ...] tensor. */
export function groupNorm(g: GraphBuilder, x: string, scale: string, bias: string, groups: number, epsilon: number): string {
  return g.op('GroupNormalization', [x, scale, bias], { num_groups: groups, epsilon: float(epsilon) });
}

/** x * sigmoid(x); ORT fuses the pair into one kernel. */
export function silu(g: GraphBuilder, x: string): string {
  return g.op('Mul', [x, g.op('Sigmoid', [x])]);
}

/** Exact (erf) GELU; with a bias, gelu(x + bias) in one kernel. */
export function gelu(g: GraphBuilder, x: string, bias?: string): string {
  return bias ? g.op('BiasGelu', [x, bias], {}, MS) : g.op('Gelu', [x], {}, MS);
}

/** x * sigmoid(1.702 x), the GELU approximation CLIP was trained with. */
export function quickGelu(g: GraphBuilder, x: string): string {
  return g.op('QuickGelu', [x], { alpha: float(1.702) }, MS);
}

export interface AttentionOptions {
  heads: number;
  /** Additive bias broadcast to [B, heads, Sq, Sk], e.g. a causal mask. */
  bias?: string;
}

/**
 * Scaled dot-product attention over [B, S, heads * headDim] tensors (scale 1/sqrt(headDim)), with
 * ORT's fused MultiHeadAttention kernel: it never materialises the full score matrix per head
 * in a separate Softmax, which for 4096 tokens would take gigabytes.
 */
export function attention(g: GraphBuilder, q: string, k: string, v: string, options: AttentionOptions): string {
  const inputs = options.bias ? [q, k, v, '', '', options.bias] : [q, k, v];
  return g.op('MultiHeadAttention', inputs, { num_heads: options.heads }, MS);
}

/** [B, C, H, W] -> [B, H*W, C] */
export function toTokens(g: GraphBuilder, x: string): string {
  const flat = g.op('Reshape', [x, g.constant('int64', [0, 0, -1])]);
  return g.op('Transpose', [flat], { perm: [0, 2, 1] });
}

/** [B, H*W, C] -> [B, C, H, W], with the spatial shape taken from `like`. */
export function fromTokens(g: GraphBuilder, tokens: string, like: string): string {
  const channelsFirst = g.op('Transpose', [tokens], { perm: [0, 2, 1] });
  return g.op('Reshape', [channelsFirst, g.op('Shape', [like])]);
}

/** Nearest-neighbour x2 upsampling of [B, C, H, W], matching torch's `interpolate(mode='nearest')`. */
export function upsampleNearest2x(g: GraphBuilder, x: string): string {
  return g.op('Resize', [x, '', g.constant('float32', [1, 1, 2, 2])], {
    mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor',
  });
}

export function add(g: GraphBuilder, a: string, b: string): string {
  return g.op('Add', [a, b]);
}

export function mul(g: GraphBuilder, a: string, b: string): string {
  return g.op('Mul', [a, b]);
}

export function concat(g: GraphBuilder, values: string[], axis: number): string {
  return g.op('Concat', values, { axis });
}

export function unsqueeze(g: GraphBuilder, x: string, axes: number[]): string {
  return g.op('Unsqueeze', [x, g.constant('int64', axes)]);
}

/** Splits `x` into equal parts along `axis`. */
export function split(g: GraphBuilder, x: string, axis: number, parts: number): string[] {
  return g.node('Split', [x], { axis, num_outputs: parts }, { outputs: parts });
}

export function clip(g: GraphBuilder, x: string, min: number, max: number): string {
  return g.op('Clip', [x, g.constant('float32', [min], []), g.constant('float32', [max], [])]);
}

/** x @ w + bias with int8 weights [in, out] and per-column scales; x is quantised per call. */
export function quantizedLinear(g: GraphBuilder, x: string, weight: string, scales: string, bias?: string): string {
  return g.op('DynamicQuantizeMatMul', bias ? [x, weight, scales, '', bias] : [x, weight, scales], {}, MS);
}

export interface QuantizedConvWeights {
  /** uint8 filters around `zeroPoint` (a uint8 scalar). */
  weight: string;
  zeroPoint: string;
  /** Per-output-channel scales as [C, 1, 1]. */
  scales: string;
  /** [C, 1, 1] */
  bias?: string;
}

/** conv2d with uint8 filters: x is quantised per call (DynamicQuantizeLinear), then ConvInteger. */
export function quantizedConv2d(g: GraphBuilder, x: string, w: QuantizedConvWeights, options: ConvOptions): string {
  const half = Math.floor(options.kernel / 2);
  const [xq, xScale, xZero] = g.node('DynamicQuantizeLinear', [x], {}, { outputs: 3 });
  const accumulated = g.op('ConvInteger', [xq, w.weight, xZero, w.zeroPoint], {
    kernel_shape: [options.kernel, options.kernel], strides: [options.stride ?? 1, options.stride ?? 1],
    pads: options.pads ?? [half, half, half, half],
  });
  const scaled = g.op('Mul', [g.op('Cast', [accumulated], { to: 1 }), g.op('Mul', [w.scales, xScale])]);
  return w.bias ? g.op('Add', [scaled, w.bias]) : scaled;
}
