import { float } from './graph.ts';
import type { GraphBuilder } from './graph.ts';

/**
 * Forms of common UNet and decoder ops that move less memory on ORT's CPU provider than their plain
 * ONNX forms, with the same results up to float rounding.
 */

/**
 * GroupNorm of [N, C, ...] as InstanceNormalization of the [N, groups, C/groups * pixels] view, then
 * the per-channel affine x * scale + bias. ORT expands GroupNormalization-21 into about ten
 * full-size passes (two of them Casts to the stash type; the variance as E[x^2] - E[x]^2). Its
 * InstanceNormalization kernel reads each group's contiguous row twice (the mean, then the centred
 * squares: no cancellation) and writes it once, on one thread; the affine is two more passes. About
 * 2/3 of GroupNormalization's CPU time at the UNet's sizes and 4/5 at the decoder's 512x512 levels.
 */
export function groupNormFromInstances(
  g: GraphBuilder, x: string, scale: string, bias: string, groups: number, epsilon: number,
): string {
  const rows = g.op('Reshape', [x, g.constant('int64', [0, groups, -1])]);
  const ones = g.constant('float32', Array.from({ length: groups }, () => 1));
  const zeros = g.constant('float32', Array.from({ length: groups }, () => 0));
  const normalized = g.op('InstanceNormalization', [rows, ones, zeros], { epsilon: float(epsilon) });
  const column = (t: string) => g.op('Reshape', [t, g.constant('int64', [-1, 1, 1])]);
  const shaped = g.op('Reshape', [normalized, g.op('Shape', [x])]);
  return g.op('Add', [g.op('Mul', [shaped, column(scale)]), column(bias)]);
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

/** The 3x3 filter [out, in, 3, 3] back from its four phase filters (the inverse of nearestUpsampleConvPhases). */
export function nearestUpsampleConvFromPhases(phases: readonly Float32Array[], outChannels: number, inChannels: number): Float32Array {
  const [p00, p01, p10, p11] = phases;
  const weight = new Float32Array(outChannels * inChannels * 9);
  for (let f = 0; f < outChannels * inChannels; f++) {
    const at = (phase: Float32Array, r: number, s: number) => phase[f * 4 + r * 2 + s];
    // Each corner tap is alone in one phase's sum; the edge and centre taps follow by subtraction.
    const w02 = at(p01, 0, 1);
    const w20 = at(p10, 1, 0);
    const w22 = at(p11, 1, 1);
    const w12 = at(p01, 1, 1) - w22;
    const w21 = at(p10, 1, 1) - w22;
    const taps = [
      at(p00, 0, 0), at(p00, 0, 1) - w02, w02,
      at(p00, 1, 0) - w20, at(p00, 1, 1) - w12 - w21 - w22, w12,
      w20, w21, w22,
    ];
    weight.set(taps, f * 9);
  }
  return weight;
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
