import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCheckpoint, syntheticTensors, syntheticValues, writeCkpt, writeSafetensors } from '../../../models/checkpoint/index.ts';
import {
  CONTROL_PREFIX, FULL_SD15_CONFIG, TINY_SD15_CONFIG, buildControlNet, buildUnet, controlNetTensors, controlNetWeights, controlResidualInputs,
  inferControlNetConfig, unetTensors,
} from '../../../models/sd15/index.ts';
import { maxAbsDiff, runModel, seededValues } from '../onnx/run-model.ts';
import type { Feeds } from '../onnx/run-model.ts';

const config = TINY_SD15_CONFIG.unet;
const shapes = new Map([...unetTensors(config), ...controlNetTensors(config)]);

function weights(requested?: Set<string>, zero?: (key: string) => boolean) {
  return (key: string): Float32Array => {
    requested?.add(key);
    const shape = shapes.get(key) as number[];
    return zero?.(key) ? new Float32Array(shape.reduce((a, b) => a * b, 1)) : syntheticValues(key, shape, 16);
  };
}

const inputs = (batch: number, h: number, w: number): Feeds => ({
  sample: { data: seededValues(batch * 4 * h * w, 1), dims: [batch, 4, h, w] },
  timestep: { data: Float32Array.from({ length: batch }, (_, i) => 900 - 400 * i), dims: [batch] },
  encoder_hidden_states: { data: seededValues(batch * 77 * 64, 2), dims: [batch, 77, 64] },
});

describe('SD 1.5 ControlNet', () => {
  it('has the tensors of an original-layout SD 1.5 ControlNet at full size', () => {
    const full = controlNetTensors(FULL_SD15_CONFIG.unet);
    const names = [...full.keys()];
    expect(names.every((name) => name.startsWith('control_model.'))).toBe(true);
    expect(names.filter((n) => /^control_model\.zero_convs\.\d+\.0\.weight$/.test(n))).toHaveLength(12);
    expect(full.get('control_model.zero_convs.11.0.weight')).toEqual([1280, 1280, 1, 1]);
    expect(full.get('control_model.input_hint_block.0.weight')).toEqual([16, 3, 3, 3]);
    expect(full.get('control_model.input_hint_block.14.weight')).toEqual([320, 256, 3, 3]);
    expect(full.get('control_model.middle_block_out.0.weight')).toEqual([1280, 1280, 1, 1]);
    expect(full.get('control_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight')).toEqual([320, 768]);
    expect(names.some((n) => n.includes('output_blocks') || n.includes('.out.'))).toBe(false);
  });

  it('gives one residual a skip connection plus the middle one, each of the shape the UNet input takes, using every tensor', async () => {
    const requested = new Set<string>();
    const model = buildControlNet(config, weights(requested));
    const out = await runModel(model, { ...inputs(2, 8, 8), hint: { data: seededValues(2 * 3 * 64 * 64, 3).map((v) => (v > 0 ? 1 : 0)), dims: [2, 3, 64, 64] } });
    expect([...requested].sort()).toEqual([...controlNetTensors(config).keys()].sort());
    for (const { name, channels, downsampled } of controlResidualInputs(config)) {
      expect(out[name].dims, name).toEqual([2, channels, 8 / 2 ** downsampled, 8 / 2 ** downsampled]);
      expect((out[name].data as Float32Array).some((v) => v !== 0), name).toBe(true);
    }
  });

  it('follows the hint: a different control image changes every residual', async () => {
    const model = buildControlNet(config, weights());
    const hint = (seed: number) => ({ data: seededValues(3 * 64 * 64, seed).map((v) => (v > 0.8 ? 1 : 0)), dims: [1, 3, 64, 64] });
    const a = await runModel(model, { ...inputs(1, 8, 8), hint: hint(4) });
    const b = await runModel(model, { ...inputs(1, 8, 8), hint: hint(5) });
    for (const { name } of controlResidualInputs(config)) expect(maxAbsDiff(a[name].data as Float32Array, b[name].data as Float32Array), name).toBeGreaterThan(1e-4);
  });

  it('outputs zeros while its zero convolutions are zero, as a ControlNet does before training', async () => {
    const model = buildControlNet(config, weights(undefined, (key) => /zero_convs|middle_block_out/.test(key)));
    const out = await runModel(model, { ...inputs(1, 8, 8), hint: { data: new Float32Array(3 * 64 * 64).fill(1), dims: [1, 3, 64, 64] } });
    for (const { name } of controlResidualInputs(config)) expect((out[name].data as Float32Array).every((v) => v === 0), name).toBe(true);
  });

  it('UNet with control inputs: zero residuals give exactly the plain UNet, others change eps', async () => {
    const plain = await runModel(buildUnet(config, weights()), inputs(2, 8, 16));
    const controlled = buildUnet(config, weights(), { controlResiduals: true });
    const residuals = (scale: number): Feeds => Object.fromEntries(controlResidualInputs(config).map(({ name, channels, downsampled }, i) => {
      const dims = [2, channels, 8 / 2 ** downsampled, 16 / 2 ** downsampled];
      return [name, { data: seededValues(dims.reduce((a, b) => a * b, 1), 10 + i, scale), dims }];
    }));
    const zero = await runModel(controlled, { ...inputs(2, 8, 16), ...residuals(0) });
    expect(Array.from(zero.out_sample.data as Float32Array)).toEqual(Array.from(plain.out_sample.data as Float32Array));
    const steered = await runModel(controlled, { ...inputs(2, 8, 16), ...residuals(1) });
    expect(maxAbsDiff(steered.out_sample.data as Float32Array, plain.out_sample.data as Float32Array)).toBeGreaterThan(1e-3);
  });

  it('reads files with the control_model. prefix as they are and files without it by the bare names', () => {
    const read = (key: string) => Float32Array.of(key.length);
    const bare = controlNetWeights(['input_blocks.0.0.weight', 'zero_convs.0.0.weight'], read);
    expect(bare('control_model.zero_convs.0.0.weight')[0]).toBe('zero_convs.0.0.weight'.length);
    const prefixed = controlNetWeights(['control_model.zero_convs.0.0.weight'], read);
    expect(prefixed('control_model.zero_convs.0.0.weight')[0]).toBe('control_model.zero_convs.0.0.weight'.length);
  });
});

describe('ControlNet files in the original layout', () => {
  it('opens a control_model.-prefixed .safetensors and an unprefixed .pth alike: same sizes, same residuals', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'controlnet-'));
    try {
      const tensors = syntheticTensors(controlNetTensors(config), { seed: 3 });
      writeSafetensors(path.join(dir, 'control_v11p_sd15_canny.safetensors'), tensors);
      writeCkpt(path.join(dir, 'control_v11p_sd15_canny.pth'), tensors.map((t) => ({ ...t, name: t.name.slice(CONTROL_PREFIX.length) })));
      const results = [];
      for (const file of ['control_v11p_sd15_canny.safetensors', 'control_v11p_sd15_canny.pth']) {
        const source = openCheckpoint(path.join(dir, file));
        const found = inferControlNetConfig(new Map(source.tensors.map((t) => [t.name, t.shape])));
        expect(found, file).toEqual(config);
        const model = buildControlNet(found, controlNetWeights(source.tensors.map((t) => t.name), (key) => source.readSync(key)));
        results.push(await runModel(model, { ...inputs(1, 8, 8), hint: { data: seededValues(3 * 64 * 64, 6), dims: [1, 3, 64, 64] } }));
        source.close();
      }
      for (const { name } of controlResidualInputs(config)) {
        expect(Array.from(results[1][name].data as Float32Array), name).toEqual(Array.from(results[0][name].data as Float32Array));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file that is not an original-layout ControlNet, naming the tensor it looked for', () => {
    expect(() => inferControlNetConfig(unetTensors(config))).toThrow(/zero_convs\.0\.0\.weight/);
  });
});
