import type { GraphBuilder } from './graph.ts';

/**
 * Two forms of common decoder ops that move less memory on ORT's CPU provider than their plain
 * ONNX forms, with the same results up to float rounding.
 */

/**
 * GroupNorm of [N, C, H, W] from per-channel moments: one read for the channel means and one for
 * the mean squares (ReduceSumSquare), tiny ops for the per-group statistics, then one affine pass
 * x * a + b with a = scale / sqrt(var_g + eps) and b = bias - mean_g * a per channel. ORT expands
 * GroupNormalization-21 into about ten full-size passes (two of them Casts to the stash type); this
 * is four. The variance is E[x^2] - E[x]^2 in float32, whose error grows with (mean / std)^2 of a
 * group: with means 20x the standard deviation it stays within 1e-4 of GroupNormalization (tested);
 * on the full-size decoder with random weights the whole output is within 5e-6 of the plain graph.
 */
export function groupNormFromMoments(
  g: GraphBuilder, x: string, scale: string, bias: string, channels: number, groups: number, epsilon: number,
): string {
  const spatial = g.constant('int64', [2, 3]);
  const pixels = g.op('Cast', [g.op('ReduceProd', [g.op('Shape', [x], { start: 2 })], { keepdims: 0 })], { to: 1 });
  const channelMean = g.op('ReduceMean', [x, spatial], { keepdims: 1 });
  const channelSquares = g.op('Div', [g.op('ReduceSumSquare', [x, spatial], { keepdims: 1 }), pixels]);
  // [N, C, 1, 1] -> [N, G, C/G] -> mean over the group -> [N, G, 1]
  const perGroup = (t: string) =>
    g.op('ReduceMean', [g.op('Reshape', [t, g.constant('int64', [0, groups, -1])]), g.constant('int64', [2])], { keepdims: 1 });
  const mean = perGroup(channelMean);
  const variance = g.op('Sub', [perGroup(channelSquares), g.op('Mul', [mean, mean])]);
  const inverse = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, g.constant('float32', [epsilon], [])])])]);
  // [N, G, 1] -> [N, G, C/G] -> [N, C, 1, 1]
  const perChannel = (t: string) =>
    g.op('Reshape', [g.op('Expand', [t, g.constant('int64', [1, groups, channels / groups])]), g.constant('int64', [0, channels, 1, 1])]);
  const column = (t: string) => g.op('Reshape', [t, g.constant('int64', [channels, 1, 1])]);
  const a = g.op('Mul', [perChannel(inverse), column(scale)]);
  const b = g.op('Sub', [column(bias), g.op('Mul', [perChannel(mean), a])]);
  return g.op('Add', [g.op('Mul', [x, a]), b]);
}

/**
 * The 2x2 filters that give `conv3x3(upsampleNearest2x(x))` at low resolution, one per output phase
 * (dy, dx) in the order (0,0), (0,1), (1,0), (1,1). An output pixel of phase 0 along an axis reads
 * the input rows i-1 (kernel row 0) and i (rows 1 and 2, which see the same repeated pixel); of
 * phase 1, rows i (kernel rows 0 and 1) and i+1 (row 2).
 */
export function nearestUpsampleConvPhases(weight: Float32Array, outChannels: number, inChannels: number): Float32Array[] {
  const taps = [[[0], [1, 2]], [[0, 1], [2]]];
  const phases: Float32Array[] = [];
  for (const dy of [0, 1]) {
    for (const dx of [0, 1]) {
      const out = new Float32Array(outChannels * inChannels * 4);
      for (let f = 0; f < outChannels * inChannels; f++) {
        for (let r = 0; r < 2; r++) {
          for (let s = 0; s < 2; s++) {
            let sum = 0;
            for (const ky of taps[dy][r]) for (const kx of taps[dx][s]) sum += weight[f * 9 + ky * 3 + kx];
            out[f * 4 + r * 2 + s] = sum;
          }
        }
      }
      phases.push(out);
    }
  }
  return phases;
}

/**
 * conv3x3(upsampleNearest2x(x)) (padding 1) as four 2x2 convs at the input's resolution whose
 * outputs DepthToSpace interleaves: 4/9 of the multiply-adds, and no 4x-sized upsampled copy.
 * `phases` are the filters of `nearestUpsampleConvPhases`, as initializers [out, in, 2, 2].
 */
export function nearestUpsampleConv3x3(g: GraphBuilder, x: string, phases: string[], bias: string): string {
  const outputs = phases.map((weight, p) => {
    const [dy, dx] = [p >> 1, p & 1];
    // [top, left, bottom, right]: phase 0 reads i-1 and i, phase 1 reads i and i+1.
    const pads = [1 - dy, 1 - dx, dy, dx];
    return g.op('Conv', [x, weight, bias], { kernel_shape: [2, 2], strides: [1, 1], pads });
  });
  return g.op('DepthToSpace', [g.op('Concat', outputs, { axis: 1 })], { blocksize: 2, mode: 'DCR' });
}
