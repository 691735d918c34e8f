import { describe, expect, it } from 'vitest';
import { GraphBuilder, encodeModel } from '../../../models/onnx/index.ts';
import {
  TINY_SD15_CONFIG, buildTextEncoder, buildUnet, buildVaeDecoder, buildVaeEncoder, expectedTensors,
} from '../../../models/sd15/index.ts';
import { timestepEmbedding, timestepFrequencies } from '../../../models/sd15/timestep-embedding.ts';
import { maxAbsDiff, runModel, seededValues } from '../onnx/run-model.ts';
import type { Feeds } from '../onnx/run-model.ts';
import { tinyWeights } from './tiny-weights.ts';

const config = TINY_SD15_CONFIG;
const shapes = expectedTensors(config);

const weights = tinyWeights;

const allFinite = (data: ArrayLike<number>) => Array.prototype.every.call(data, Number.isFinite);
const keysWithPrefix = (prefix: string) => [...shapes.keys()].filter((k) => k.startsWith(prefix)).sort();

function tokenIds(batch: number, seed: number): Int32Array {
  const ids = Int32Array.from(seededValues(batch * 77, seed), (v) => Math.floor((v + 1) * 20000));
  for (let b = 0; b < batch; b++) ids[b * 77] = 49406;
  return ids;
}

describe('tiny SD 1.5 networks in onnxruntime', () => {
  it('text encoder: [B,77] ids -> two [B,77,W] outputs, causal, using every CLIP tensor once', async () => {
    const requested = new Set<string>();
    const model = buildTextEncoder(config.text, weights(requested));
    const ids = tokenIds(2, 1);
    // The second prompt differs from the first only from position 40 on.
    ids.set(ids.subarray(0, 40), 77);
    const out = await runModel(model, { input_ids: { data: ids, dims: [2, 77] } });
    expect([...requested].sort()).toEqual(keysWithPrefix('cond_stage_model.'));
    for (const name of ['last_hidden_state', 'penultimate_hidden_state']) {
      expect(out[name].dims).toEqual([2, 77, 64]);
      const data = out[name].data as Float32Array;
      expect(allFinite(data)).toBe(true);
      // Causal mask: positions before 40 cannot see the difference.
      expect(maxAbsDiff(data.subarray(0, 40 * 64), data.subarray(77 * 64, 77 * 64 + 40 * 64))).toBeLessThan(1e-5);
      expect(maxAbsDiff(data.subarray(40 * 64, 77 * 64), data.subarray(117 * 64, 154 * 64))).toBeGreaterThan(1e-2);
    }
    expect(maxAbsDiff(out.last_hidden_state.data as Float32Array, out.penultimate_hidden_state.data as Float32Array)).toBeGreaterThan(1e-2);
  });

  it('UNet: dynamic batch and latent size, finite eps, using every UNet tensor', async () => {
    const requested = new Set<string>();
    const model = buildUnet(config.unet, weights(requested));
    const feeds = (batch: number, h: number, w: number): Feeds => ({
      sample: { data: seededValues(batch * 4 * h * w, 2), dims: [batch, 4, h, w] },
      timestep: { data: Float32Array.from({ length: batch }, (_, i) => 999 - 500 * i), dims: [batch] },
      encoder_hidden_states: { data: seededValues(batch * 77 * 64, 3), dims: [batch, 77, 64] },
    });
    const square = await runModel(model, feeds(2, 8, 8));
    expect([...requested].sort()).toEqual(keysWithPrefix('model.diffusion_model.'));
    expect(square.out_sample.dims).toEqual([2, 4, 8, 8]);
    expect(allFinite(square.out_sample.data as Float32Array)).toBe(true);
    const wide = await runModel(model, feeds(1, 6, 10));
    expect(wide.out_sample.dims).toEqual([1, 4, 6, 10]);
    expect(allFinite(wide.out_sample.data as Float32Array)).toBe(true);
  });

  it('VAE encoder: [B,3,H,W] -> mean and clamped logvar at 1/8 size', async () => {
    const requested = new Set<string>();
    const model = buildVaeEncoder(config.vae, weights(requested));
    const out = await runModel(model, { sample: { data: seededValues(3 * 64 * 48, 4), dims: [1, 3, 64, 48] } });
    expect([...requested].every((k) => k.startsWith('first_stage_model.encoder.') || k.startsWith('first_stage_model.quant_conv.'))).toBe(true);
    expect(out.latent_sample.dims).toEqual([1, 4, 8, 6]);
    expect(out.latent_logvar.dims).toEqual([1, 4, 8, 6]);
    expect(allFinite(out.latent_sample.data as Float32Array)).toBe(true);
    expect((out.latent_logvar.data as Float32Array).every((v) => v >= -30 && v <= 20)).toBe(true);
  });

  it('VAE decoder: [B,4,h,w] -> [B,3,8h,8w]; together with the encoder it uses every VAE tensor', async () => {
    const requested = new Set<string>();
    const encoder = buildVaeEncoder(config.vae, weights(requested));
    const model = buildVaeDecoder(config.vae, weights(requested));
    // Builders declare initializers lazily: only writing a model loads its weights.
    expect(requested.size).toBe(0);
    const out = await runModel(model, { latent_sample: { data: seededValues(2 * 4 * 8 * 8, 5), dims: [2, 4, 8, 8] } });
    expect(out.sample.dims).toEqual([2, 3, 64, 64]);
    expect(allFinite(out.sample.data as Float32Array)).toBe(true);
    encodeModel(encoder, () => ({ kind: 'inline' })).toBytes();
    expect([...requested].sort()).toEqual(keysWithPrefix('first_stage_model.'));
  });

  it('names the checkpoint tensor whose data has the wrong size', async () => {
    const broken = (key: string) => (key.endsWith('final_layer_norm.weight') ? new Float32Array(3) : weights()(key));
    await expect(runModel(buildTextEncoder(config.text, broken), { input_ids: { data: tokenIds(1, 6), dims: [1, 77] } }))
      .rejects.toThrow(/final_layer_norm\.weight has 3 values, expected 64/);
  });
});

describe('timestep embedding', () => {
  it('is [cos(t f), sin(t f)] with f = 10000^(-i/half)', async () => {
    const g = new GraphBuilder();
    const t = g.input('t', 'float32', ['batch']);
    g.output(timestepEmbedding(g, t, 8), 'e', 'float32', ['batch', 8]);
    const timesteps = Float32Array.from([0, 1, 999, 487.5]);
    const out = await runModel(g.build('temb'), { t: { data: timesteps, dims: [4] } });
    const expected: number[] = [];
    for (const step of timesteps) {
      const angles = [0, 1, 2, 3].map((i) => step * 10000 ** (-i / 4));
      expected.push(...angles.map(Math.cos), ...angles.map(Math.sin));
    }
    expect(out.e.dims).toEqual([4, 8]);
    expect(maxAbsDiff(out.e.data as Float32Array, expected)).toBeLessThan(2e-4);
    expect(timestepFrequencies(320)[0]).toBe(1);
    expect(timestepFrequencies(320)[159]).toBeCloseTo(10000 ** (-159 / 160), 9);
  });
});

describe('int8 UNet variants', () => {
  // At tiny widths few products average out the rounding: 3% (matmul only) and 6% (all) here.
  it('stay within 10% of the float32 UNet, with int8 kernels in the graph', async () => {
    const feeds: Feeds = {
      sample: { data: seededValues(2 * 4 * 8 * 8, 7), dims: [2, 4, 8, 8] },
      timestep: { data: Float32Array.from([900, 20]), dims: [2] },
      encoder_hidden_states: { data: seededValues(2 * 77 * 64, 8), dims: [2, 77, 64] },
    };
    const reference = (await runModel(buildUnet(config.unet, weights()), feeds)).out_sample.data as Float32Array;
    const scale = reference.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    for (const quantization of ['int8-matmul', 'int8'] as const) {
      const model = buildUnet(config.unet, weights(), { quantization });
      const types = new Set(model.graph.nodes.map((n) => n.opType));
      expect(types.has('DynamicQuantizeMatMul')).toBe(true);
      expect(types.has('ConvInteger')).toBe(quantization === 'int8');
      const out = (await runModel(model, feeds)).out_sample.data as Float32Array;
      const relative = maxAbsDiff(out, reference) / scale;
      expect(relative).toBeGreaterThan(0);
      expect(relative).toBeLessThan(0.1);
    }
  });
});
