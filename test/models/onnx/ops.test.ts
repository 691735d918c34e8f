import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../models/onnx/index.ts';
import {
  attention, clip, concat, conv2d, fromTokens, gelu, groupNorm, layerNorm, linear, quickGelu, silu, split, toTokens,
  upsampleNearest2x,
} from '../../../models/onnx/ops.ts';
import { maxAbsDiff, runModel, seededValues } from './run-model.ts';

type Input = { dims: number[]; data: Float32Array };

/** Builds a graph whose inputs are `inputs` (x0, x1, ...) and whose outputs are what `build` returns. */
async function evaluate(inputs: Input[], build: (g: GraphBuilder, x: string[]) => string[]): Promise<Float32Array[]> {
  const g = new GraphBuilder();
  const names = inputs.map((input, i) => g.input(`x${i}`, 'float32', input.dims));
  build(g, names).forEach((value, i) => g.output(value, `y${i}`, 'float32'));
  const feeds = Object.fromEntries(inputs.map((input, i) => [`x${i}`, input]));
  const outputs = await runModel(g.build('test'), feeds);
  return Object.keys(outputs).sort().map((k) => outputs[k].data as Float32Array);
}

const tensor = (dims: number[], seed: number, scale = 1): Input =>
  ({ dims, data: seededValues(dims.reduce((a, b) => a * b, 1), seed, scale) });

function erf(x: number): number {
  // Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7)
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return Math.sign(x) * y;
}

describe('op helpers match plain JavaScript references', () => {
  it('linear: x[2,3,4] @ w[4,5] + b', async () => {
    const x = tensor([2, 3, 4], 1);
    const w = tensor([4, 5], 2);
    const b = tensor([5], 3);
    const [y] = await evaluate([x, w, b], (g, [xi, wi, bi]) => [linear(g, xi, wi, bi)]);
    const expected = new Float32Array(2 * 3 * 5);
    for (let r = 0; r < 6; r++) {
      for (let o = 0; o < 5; o++) {
        let sum = b.data[o];
        for (let i = 0; i < 4; i++) sum += x.data[r * 4 + i] * w.data[i * 5 + o];
        expected[r * 5 + o] = sum;
      }
    }
    expect(maxAbsDiff(y, expected)).toBeLessThan(1e-5);
  });

  it('conv2d: 3x3 stride 2 with right/bottom-only padding', async () => {
    const x = tensor([1, 2, 5, 5], 4);
    const w = tensor([3, 2, 3, 3], 5);
    const b = tensor([3], 6);
    const [y] = await evaluate([x, w, b], (g, [xi, wi, bi]) => [conv2d(g, xi, wi, bi, { kernel: 3, stride: 2, pads: [0, 0, 1, 1] })]);
    // padded input is 6x6 -> output 2x2
    const at = (c: number, i: number, j: number) => (i < 5 && j < 5 ? x.data[c * 25 + i * 5 + j] : 0);
    const expected: number[] = [];
    for (let o = 0; o < 3; o++) {
      for (let oi = 0; oi < 2; oi++) {
        for (let oj = 0; oj < 2; oj++) {
          let sum = b.data[o];
          for (let c = 0; c < 2; c++) {
            for (let ki = 0; ki < 3; ki++) {
              for (let kj = 0; kj < 3; kj++) sum += at(c, oi * 2 + ki, oj * 2 + kj) * w.data[((o * 2 + c) * 3 + ki) * 3 + kj];
            }
          }
          expected.push(sum);
        }
      }
    }
    expect(maxAbsDiff(y, expected)).toBeLessThan(1e-5);
  });

  it('layerNorm normalises the last axis then scales and shifts', async () => {
    const x = tensor([3, 8], 7, 3);
    const s = tensor([8], 8);
    const b = tensor([8], 9);
    const [y] = await evaluate([x, s, b], (g, [xi, si, bi]) => [layerNorm(g, xi, si, bi, 1e-5)]);
    const expected: number[] = [];
    for (let r = 0; r < 3; r++) {
      const row = Array.from(x.data.subarray(r * 8, r * 8 + 8));
      const mean = row.reduce((a, v) => a + v, 0) / 8;
      const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / 8;
      row.forEach((v, i) => expected.push(((v - mean) / Math.sqrt(variance + 1e-5)) * s.data[i] + b.data[i]));
    }
    expect(maxAbsDiff(y, expected)).toBeLessThan(1e-5);
  });

  it('groupNorm normalises groups of channels and applies a per-channel scale and bias', async () => {
    const [batch, channels, size, groups] = [2, 6, 3, 3];
    const x = tensor([batch, channels, size, size], 10, 2);
    const s = tensor([channels], 11);
    const b = tensor([channels], 12);
    const [y] = await evaluate([x, s, b], (g, [xi, si, bi]) => [groupNorm(g, xi, si, bi, groups, 1e-6)]);
    const perGroup = (channels / groups) * size * size;
    const expected = new Float32Array(x.data.length);
    for (let n = 0; n < batch * groups; n++) {
      const slice = x.data.subarray(n * perGroup, (n + 1) * perGroup);
      const mean = slice.reduce((a, v) => a + v, 0) / perGroup;
      const variance = slice.reduce((a, v) => a + (v - mean) ** 2, 0) / perGroup;
      for (let i = 0; i < perGroup; i++) {
        const channel = ((n % groups) * perGroup + i) / (size * size) | 0;
        expected[n * perGroup + i] = ((slice[i] - mean) / Math.sqrt(variance + 1e-6)) * s.data[channel] + b.data[channel];
      }
    }
    expect(maxAbsDiff(y, expected)).toBeLessThan(1e-5);
  });

  it('silu, gelu (exact erf, with and without bias) and quickGelu', async () => {
    const x = tensor([2, 4], 13, 4);
    const bias = tensor([4], 14);
    const [ySilu, yGelu, yBiasGelu, yQuick] = await evaluate([x, bias], (g, [xi, bi]) => [
      silu(g, xi), gelu(g, xi), gelu(g, xi, bi), quickGelu(g, xi),
    ]);
    const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
    const exactGelu = (v: number) => 0.5 * v * (1 + erf(v / Math.SQRT2));
    const xs = Array.from(x.data);
    expect(maxAbsDiff(ySilu, xs.map((v) => v * sigmoid(v)))).toBeLessThan(1e-6);
    expect(maxAbsDiff(yGelu, xs.map(exactGelu))).toBeLessThan(1e-5);
    expect(maxAbsDiff(yBiasGelu, xs.map((v, i) => exactGelu(v + bias.data[i % 4])))).toBeLessThan(1e-5);
    expect(maxAbsDiff(yQuick, xs.map((v) => v * sigmoid(1.702 * v)))).toBeLessThan(1e-6);
  });

  it('attention: multi-head, cross lengths, additive causal bias', async () => {
    const [batch, sq, sk, heads, d] = [2, 4, 5, 2, 3];
    const q = tensor([batch, sq, heads * d], 15, 2);
    const k = tensor([batch, sk, heads * d], 16, 2);
    const v = tensor([batch, sk, heads * d], 17);
    const mask = { dims: [1, 1, sq, sk], data: Float32Array.from({ length: sq * sk }, (_, i) => (i % sk > ((i / sk) | 0) ? -1e9 : 0)) };
    const [plain, masked] = await evaluate([q, k, v, mask], (g, [qi, ki, vi, mi]) => [
      attention(g, qi, ki, vi, { heads }), attention(g, qi, ki, vi, { heads, bias: mi }),
    ]);
    const reference = (useMask: boolean) => {
      const out = new Float32Array(batch * sq * heads * d);
      for (let b = 0; b < batch; b++) {
        for (let h = 0; h < heads; h++) {
          for (let i = 0; i < sq; i++) {
            const scores = Array.from({ length: sk }, (_, j) => {
              let dot = 0;
              for (let e = 0; e < d; e++) dot += q.data[(b * sq + i) * heads * d + h * d + e] * k.data[(b * sk + j) * heads * d + h * d + e];
              return dot / Math.sqrt(d) + (useMask ? mask.data[i * sk + j] : 0);
            });
            const max = Math.max(...scores);
            const weights = scores.map((s) => Math.exp(s - max));
            const total = weights.reduce((a, w) => a + w, 0);
            for (let e = 0; e < d; e++) {
              out[(b * sq + i) * heads * d + h * d + e] = weights.reduce((a, w, j) => a + (w / total) * v.data[(b * sk + j) * heads * d + h * d + e], 0);
            }
          }
        }
      }
      return out;
    };
    expect(maxAbsDiff(plain, reference(false))).toBeLessThan(1e-5);
    expect(maxAbsDiff(masked, reference(true))).toBeLessThan(1e-5);
  });

  it('toTokens and fromTokens transpose [B,C,H,W] <-> [B,HW,C]', async () => {
    const x = tensor([2, 3, 2, 4], 18);
    const [tokens, back] = await evaluate([x], (g, [xi]) => {
      const t = toTokens(g, xi);
      return [t, fromTokens(g, t, xi)];
    });
    const expected = new Float32Array(x.data.length);
    for (let b = 0; b < 2; b++) for (let c = 0; c < 3; c++) for (let p = 0; p < 8; p++) expected[(b * 8 + p) * 3 + c] = x.data[(b * 3 + c) * 8 + p];
    expect([...tokens]).toEqual([...expected]);
    expect([...back]).toEqual([...x.data]);
  });

  it('upsampleNearest2x repeats each pixel in a 2x2 square', async () => {
    const x = tensor([1, 1, 2, 3], 19);
    const [y] = await evaluate([x], (g, [xi]) => [upsampleNearest2x(g, xi)]);
    const expected = Array.from({ length: 24 }, (_, i) => x.data[((i / 6 / 2) | 0) * 3 + (((i % 6) / 2) | 0)]);
    expect([...y]).toEqual(expected);
  });

  it('split, concat and clip', async () => {
    const x = tensor([1, 4, 2], 20, 50);
    const [first, second, joined, clipped] = await evaluate([x], (g, [xi]) => {
      const [a, b] = split(g, xi, 1, 2);
      return [a, b, concat(g, [b, a], 1), clip(g, xi, -30, 20)];
    });
    expect([...first]).toEqual([...x.data.subarray(0, 4)]);
    expect([...second]).toEqual([...x.data.subarray(4, 8)]);
    expect([...joined]).toEqual([...x.data.subarray(4, 8), ...x.data.subarray(0, 4)]);
    expect([...clipped]).toEqual([...x.data].map((v) => Math.min(20, Math.max(-30, v))));
  });
});
