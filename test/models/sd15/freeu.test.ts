import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../models/onnx/index.ts';
import { buildUnet, TINY_SD15_CONFIG, expectedTensors } from '../../../models/sd15/index.ts';
import { fourierSkipFilter, freeUBackbone } from '../../../models/sd15/freeu.ts';
import { maxAbsDiff, runModel, seededValues } from '../onnx/run-model.ts';

/**
 * The reference code's Fourier_filter, literally: fftn over (H, W), fftshift, scale the block
 * [H/2 - t, H/2 + t) x [W/2 - t, W/2 + t) (Python slice semantics, so a start of -1 wraps), ifftshift,
 * ifftn, real part. Plain O(n^4) DFTs on one plane.
 */
function paperFourierFilter(x: Float32Array, h: number, w: number, scale: number, threshold = 1): Float32Array {
  const re = new Float64Array(h * w);
  const im = new Float64Array(h * w);
  for (let ky = 0; ky < h; ky++) for (let kx = 0; kx < w; kx++) {
    for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) {
      const a = -2 * Math.PI * ((ky * y) / h + (kx * xx) / w);
      re[ky * w + kx] += x[y * w + xx] * Math.cos(a);
      im[ky * w + kx] += x[y * w + xx] * Math.sin(a);
    }
  }
  // shifted index i holds frequency (i - floor(n / 2)) mod n
  const sliceIndices = (n: number) => {
    const centre = Math.floor(n / 2);
    const norm = (i: number) => (i < 0 ? Math.max(0, n + i) : Math.min(n, i));
    const out: number[] = [];
    for (let i = norm(centre - threshold); i < norm(centre + threshold); i++) out.push((((i - centre) % n) + n) % n);
    return out;
  };
  for (const ky of sliceIndices(h)) for (const kx of sliceIndices(w)) {
    re[ky * w + kx] *= scale;
    im[ky * w + kx] *= scale;
  }
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) {
    let sum = 0;
    for (let ky = 0; ky < h; ky++) for (let kx = 0; kx < w; kx++) {
      const a = 2 * Math.PI * ((ky * y) / h + (kx * xx) / w);
      sum += re[ky * w + kx] * Math.cos(a) - im[ky * w + kx] * Math.sin(a);
    }
    out[y * w + xx] = sum / (h * w);
  }
  return out;
}

describe('FreeU as the paper defines it', () => {
  it.each([[8, 8], [16, 16], [5, 7], [2, 3], [1, 4]])('filters skip features of %ix%i like the reference Fourier_filter', async (h, w) => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [2, 3, 'h', 'w']);
    const s = g.input('s', 'float32', [1]);
    g.output(fourierSkipFilter(g, x, s), 'y', 'float32');
    const data = seededValues(2 * 3 * h * w, h * 31 + w);
    for (const scale of [0.2, 0.9]) {
      const out = await runModel(g.build('filter'), { x: { data, dims: [2, 3, h, w] }, s: { data: Float32Array.of(scale), dims: [1] } });
      const y = out.y.data as Float32Array;
      for (let p = 0; p < 6; p++) {
        const plane = data.subarray(p * h * w, (p + 1) * h * w);
        expect(maxAbsDiff(y.subarray(p * h * w, (p + 1) * h * w), paperFourierFilter(plane, h, w, scale))).toBeLessThan(1e-5);
      }
    }
  });

  it('scales the first half of the backbone channels by b (FreeU), or by 1 + (b - 1) * normalised mean (FreeU_V2)', async () => {
    const [B, C, H, W] = [2, 4, 3, 2];
    const g = new GraphBuilder();
    const h = g.input('h', 'float32', [B, C, H, W]);
    const b = g.input('b', 'float32', [1]);
    const v2 = g.input('v2', 'float32', [1]);
    g.output(freeUBackbone(g, h, C, b, v2), 'y', 'float32');
    const model = g.build('backbone');
    const data = seededValues(B * C * H * W, 5);
    const run = async (version: number) =>
      (await runModel(model, { h: { data, dims: [B, C, H, W] }, b: { data: Float32Array.of(1.4), dims: [1] }, v2: { data: Float32Array.of(version), dims: [1] } })).y.data as Float32Array;
    const v1 = await run(0);
    const second = await run(1);
    for (let n = 0; n < B; n++) {
      const mean = Array.from({ length: H * W }, (_, p) => [0, 1, 2, 3].reduce((sum, c) => sum + data[(n * C + c) * H * W + p], 0) / C);
      const [lo, hi] = [Math.min(...mean), Math.max(...mean)];
      for (let c = 0; c < C; c++) for (let p = 0; p < H * W; p++) {
        const i = (n * C + c) * H * W + p;
        expect(v1[i]).toBeCloseTo(c < C / 2 ? data[i] * 1.4 : data[i], 6);
        expect(second[i]).toBeCloseTo(c < C / 2 ? data[i] * (1 + 0.4 * ((mean[p] - lo) / (hi - lo))) : data[i], 6);
      }
    }
  });

  it('a UNet built with FreeU inputs equals the plain one with b = s = 1, and changes with the factors', async () => {
    const shapes = expectedTensors(TINY_SD15_CONFIG);
    let seed = 1;
    const weights = (key: string) => {
      const shape = shapes.get(key) as number[];
      const count = shape.reduce((a, v) => a * v, 1);
      const values = seededValues(count, seed++, shape.length >= 2 ? Math.sqrt(3 / (count / shape[0])) : 0.1);
      return shape.length < 2 && key.endsWith('.weight') ? values.map((v) => 1 + v) : values;
    };
    const build = (freeU: boolean) => {
      seed = 1;
      return buildUnet(TINY_SD15_CONFIG.unet, weights, { freeU });
    };
    const feeds = {
      sample: { data: seededValues(4 * 64, 3), dims: [1, 4, 8, 8] },
      timestep: { data: Float32Array.of(500), dims: [1] },
      encoder_hidden_states: { data: seededValues(77 * 64, 4), dims: [1, 77, 64] },
    };
    const plain = (await runModel(build(false), feeds)).out_sample.data as Float32Array;
    const factor = (value: number) => ({ data: Float32Array.of(value), dims: [1] });
    const off = { freeu_b1: factor(1), freeu_b2: factor(1), freeu_s1: factor(1), freeu_s2: factor(1), freeu_v2: factor(0) };
    const withInputs = (await runModel(build(true), { ...feeds, ...off })).out_sample.data as Float32Array;
    expect(Array.from(withInputs)).toEqual(Array.from(plain));
    const tuned = (await runModel(build(true), { ...feeds, ...off, freeu_b2: factor(1.6), freeu_s2: factor(0.2) })).out_sample.data as Float32Array;
    expect(maxAbsDiff(tuned, plain)).toBeGreaterThan(1e-3);
  });
});
