import type { GraphBuilder } from '../onnx/graph.ts';
import { add, mul } from '../onnx/ops.ts';

/**
 * FreeU (Si et al., "FreeU: Free Lunch in Diffusion U-Net", CVPR 2024): at the decoder blocks whose
 * backbone input has 4x (b1, s1) or 2x (b2, s2) the first level's channels, the first half of the
 * backbone channels is scaled by b, and the skip connection is filtered in Fourier space, its
 * lowest frequencies scaled by s. The UNet graph takes the factors as inputs, so one built model
 * serves every setting; b = s = 1 leaves the network exactly as without FreeU. (They are required
 * inputs: onnxruntime-node cannot feed an input that has an initializer as its default.)
 *
 * The skip filter follows the reference code's Fourier_filter with threshold 1: after fftshift the
 * 2x2 block [H/2 - 1, H/2] x [W/2 - 1, W/2] (frequencies {0, -1} on each axis) is scaled by s and
 * the real part of the inverse transform kept. Since the scaled set is a product of per-axis sets,
 * that filter is x + (s - 1) * Re(A x B^T) with A = F^-1 diag(1 at 0 and -1) F, which is
 * A[n, m] = (1 + e^(-2 pi i (n - m) / H)) / H: two small real matrix products per axis, no DFT op.
 */
export const FREEU_INPUTS = ['freeu_b1', 'freeu_b2', 'freeu_s1', 'freeu_s2', 'freeu_v2'] as const;
export type FreeUInputName = (typeof FREEU_INPUTS)[number];

export interface FreeUGraphInputs {
  b1: string;
  b2: string;
  s1: string;
  s2: string;
  /** 1 for FreeU_V2 (backbone scale follows the normalised mean activation), 0 for FreeU. */
  v2: string;
}

/** Declares the FreeU inputs, each a float32 [1]. */
export function freeUInputs(g: GraphBuilder): FreeUGraphInputs {
  const [b1, b2, s1, s2, v2] = FREEU_INPUTS.map((name) => g.input(name, 'float32', [1]));
  return { b1, b2, s1, s2, v2 };
}

/** The FreeU input values that leave the UNet unchanged. */
export const FREEU_OFF = { b1: 1, b2: 1, s1: 1, s2: 1, v2: 0 } as const;

/**
 * Backbone scaling of h [B, C, H, W]: the first C/2 channels times b (FreeU), or times
 * 1 + (b - 1) * m where m is the channel-mean map min-max normalised over each image (FreeU_V2).
 */
export function freeUBackbone(g: GraphBuilder, h: string, channels: number, b: string, v2: string): string {
  const firstHalf = g.constant('float32', Array.from({ length: channels }, (_, c) => (c < channels / 2 ? 1 : 0)), [1, channels, 1, 1]);
  const mean = g.op('ReduceMean', [h, g.constant('int64', [1])], { keepdims: 1 });
  const spatial = g.constant('int64', [2, 3]);
  const low = g.op('ReduceMin', [mean, spatial], { keepdims: 1 });
  const high = g.op('ReduceMax', [mean, spatial], { keepdims: 1 });
  const normalised = g.op('Div', [g.op('Sub', [mean, low]), g.op('Sub', [high, low])]);
  const one = g.constant('float32', [1]);
  // Where, not a blend: a flat map gives 0/0 in `normalised`, which must not reach FreeU (v1).
  const modulation = g.op('Where', [g.op('Greater', [v2, g.constant('float32', [0.5])]), normalised, one]);
  const factor = mul(g, g.op('Sub', [b, one]), modulation);
  return mul(g, h, add(g, one, mul(g, firstHalf, factor)));
}

/** Re(A) and Im(A) for one axis of length `size` (a scalar int64 value in the graph). */
function lowPassMatrices(g: GraphBuilder, size: string): { real: string; imag: string } {
  const n = g.op('Cast', [g.op('Range', [g.constant('int64', [0], []), size, g.constant('int64', [1], [])])], { to: 1 });
  const length = g.op('Cast', [size], { to: 1 });
  const diff = g.op('Sub', [g.op('Unsqueeze', [n, g.constant('int64', [1])]), g.op('Unsqueeze', [n, g.constant('int64', [0])])]);
  const theta = mul(g, diff, g.op('Div', [g.constant('float32', [2 * Math.PI], []), length]));
  // On a side of 1 the frequencies 0 and -1 are the same one: count it once.
  const second = g.op('Min', [g.op('Sub', [length, g.constant('float32', [1], [])]), g.constant('float32', [1], [])]);
  const real = g.op('Div', [add(g, g.constant('float32', [1], []), mul(g, second, g.op('Cos', [theta]))), length]);
  const imag = g.op('Div', [g.op('Neg', [mul(g, second, g.op('Sin', [theta]))]), length]);
  return { real, imag };
}

/** The Fourier skip filter of x [B, C, H, W] with low-frequency scale s. */
export function fourierSkipFilter(g: GraphBuilder, x: string, s: string): string {
  const shape = g.op('Shape', [x]);
  const side = (axis: number) => g.op('Squeeze', [g.op('Slice', [shape, g.constant('int64', [axis]), g.constant('int64', [axis + 1])])]);
  const rows = lowPassMatrices(g, side(2));
  const cols = lowPassMatrices(g, side(3));
  const along = (matrix: string, value: string, colMatrix: string) =>
    g.op('MatMul', [g.op('MatMul', [matrix, value]), g.op('Transpose', [colMatrix], { perm: [1, 0] })]);
  const low = g.op('Sub', [along(rows.real, x, cols.real), along(rows.imag, x, cols.imag)]);
  return add(g, x, mul(g, g.op('Sub', [s, g.constant('float32', [1])]), low));
}
