import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import scheduler from '../../nodes/scheduler.ts';
import unetStep from '../../nodes/unet-step.ts';
import { createSessionPool } from '../../runtime/backends/index.ts';
import { writeOnnxModel } from '../../models/onnx/index.ts';
import { buildUnet, expectedTensors, TINY_SD15_CONFIG } from '../../models/sd15/index.ts';
import type { Conditioning, Latent, Schedule, UnetHandle } from '../../nodes/lib/sd-types.ts';
import { seededValues } from '../models/onnx/run-model.ts';
import { fakeContext, fakeSession } from './fake-context.ts';

const unet: UnetHandle = { model: 'fake', backend: 'cpu', path: '/m/unet.onnx', nativeImageSize: 64 };
const conditioning = (value: number): Conditioning => ({ data: new Float32Array(77 * 8).fill(value), shape: [1, 77, 8] });
const known = Float32Array.from({ length: 4 * 64 }, (_, i) => Math.cos(i) * 0.7);
/** Left half of an 8x8 latent (as a 64x64 pixel mask) to repaint, right half to keep. */
const leftHalf = { width: 64, height: 64, batch: 1, data: Float32Array.from({ length: 64 * 64 }, (_, i) => (i % 64 < 32 ? 1 : 0)) };

async function schedule(steps: number, denoise = 1): Promise<Schedule> {
  return (await scheduler.execute({ sampler: 'euler', schedule: 'default', steps, denoise, denoise_rule: 'truncate' }, await fakeContext())).schedule;
}

function inputs(latent: Latent, sched: Schedule, handle = unet) {
  return { unet: handle, positive: conditioning(1), negative: conditioning(0), latent, schedule: sched, cfg: 3, seed: 9, start_step: 0, end_step: 0, add_noise: 'auto' as const, return_with_leftover_noise: true, deep_cache_interval: 1, token_merge_ratio: 0 };
}

/** A UNet with `channels` input channels that predicts eps = 0.3 everywhere and records what it was fed. */
function constantUnet(channels: number | string) {
  return fakeSession(
    unet.path,
    {
      inputs: [
        { name: 'sample', type: 'float32', dims: ['b', channels, 'h', 'w'] },
        { name: 'timestep', type: 'float32', dims: ['b'] },
        { name: 'encoder_hidden_states', type: 'float32', dims: ['b', 77, 8] },
      ],
      outputs: [{ name: 'out_sample', type: 'float32', dims: ['b', 4, 'h', 'w'] }],
    },
    async (feeds) => {
      const [b, , h, w] = feeds.sample.dims;
      return { out_sample: { type: 'float32', data: new Float32Array(b * 4 * h * w).fill(0.3), dims: [b, 4, h, w] } };
    },
  );
}

describe('UNetStep with a noise mask', () => {
  it('returns the known latent exactly where the mask keeps it and changes the rest', async () => {
    const session = constantUnet(4);
    const { latent } = await unetStep.execute(inputs({ data: known, shape: [1, 4, 8, 8], noiseMask: leftHalf }, await schedule(5)), await fakeContext({ sessions: { [unet.path]: session } }));
    for (let i = 0; i < known.length; i++) {
      if (i % 8 >= 4) expect(latent.data[i]).toBeCloseTo(known[i], 6);
      else expect(Math.abs(latent.data[i] - known[i])).toBeGreaterThan(1e-3);
    }
    expect(latent.noiseMask).toBe(leftHalf);
  });

  it('feeds the kept region re-noised to each step\'s level (img2img at denoise 0.5 too)', async () => {
    const session = constantUnet(4);
    const sched = await schedule(4, 0.5);
    await unetStep.execute(inputs({ data: known, shape: [1, 4, 8, 8], noiseMask: leftHalf }, sched), await fakeContext({ sessions: { [unet.path]: session } }));
    const first = session.calls[0].sample.data as Float32Array;
    const second = session.calls[1].sample.data as Float32Array;
    // sample = c_in * x; in the kept half x = known + sigma * noise, the same noise at every step
    const noiseAt = (feeds: Float32Array, sigma: number, i: number) => (feeds[i] * Math.sqrt(sigma * sigma + 1) - known[i]) / sigma;
    for (const i of [4, 13, 100, 255]) expect(noiseAt(second, sched.sigmas[1], i)).toBeCloseTo(noiseAt(first, sched.sigmas[0], i), 4);
  });

  it('gives an inpainting UNet (9 channels) the latent, the mask at latent size and the masked-image latent, per image', async () => {
    const session = constantUnet(9);
    await unetStep.execute(inputs({ data: known, shape: [1, 4, 8, 8], noiseMask: leftHalf }, await schedule(2)), await fakeContext({ sessions: { [unet.path]: session } }));
    const feeds = session.calls[0].sample;
    expect(feeds.dims).toEqual([2, 9, 8, 8]);
    const data = feeds.data as Float32Array;
    const plane = (row: number, channel: number) => Array.from(data.subarray((row * 9 + channel) * 64, (row * 9 + channel + 1) * 64));
    for (const row of [0, 1]) {
      expect(plane(row, 4)).toEqual(Array.from({ length: 64 }, (_, i) => (i % 8 < 4 ? 1 : 0)));
      for (let c = 0; c < 4; c++) plane(row, 5 + c).forEach((v, i) => expect(v).toBeCloseTo(known[c * 64 + i], 6));
    }
  });

  it('asks an inpainting UNet to paint everything when the latent has no mask: an all-ones mask and a zero image', async () => {
    const session = constantUnet(9);
    await unetStep.execute(inputs({ data: new Float32Array(256), shape: [1, 4, 8, 8] }, await schedule(2)), await fakeContext({ sessions: { [unet.path]: session } }));
    const data = session.calls[0].sample.data as Float32Array;
    expect(data.subarray(4 * 64, 5 * 64).every((v) => v === 1)).toBe(true);
    expect(data.subarray(5 * 64, 9 * 64).every((v) => v === 0)).toBe(true);
  });

  it('rejects a UNet whose input channels are neither 4 nor 9', async () => {
    const ctx = await fakeContext({ sessions: { [unet.path]: constantUnet(7) } });
    await expect(unetStep.execute(inputs({ data: known, shape: [1, 4, 8, 8] }, await schedule(2)), ctx))
      .rejects.toMatchObject({ code: 'unet_channels_unsupported', input: 'unet', message: expect.stringContaining('7 input channels') });
  });
});

describe('a tiny 9-channel inpainting UNet built here, in onnxruntime', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lf-inpaint-unet-'));
  const sessions = createSessionPool();
  afterAll(async () => {
    await sessions.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds, loads and samples a masked latent: the kept half stays exact, the other half is painted', async () => {
    const config = { ...TINY_SD15_CONFIG.unet, inChannels: 9 };
    const shapes = expectedTensors({ ...TINY_SD15_CONFIG, unet: config });
    let seed = 1;
    const weights = (key: string) => {
      const shape = shapes.get(key) as number[];
      const count = shape.reduce((a, b) => a * b, 1);
      const values = seededValues(count, seed++, shape.length >= 2 ? Math.sqrt(3 / (count / shape[0])) : 0.1);
      return shape.length < 2 && key.endsWith('.weight') ? values.map((v) => 1 + v) : values;
    };
    const file = path.join(dir, 'unet.onnx');
    writeOnnxModel(buildUnet(config, weights), file);
    const handle = { ...unet, path: file };
    const context = (value: number): Conditioning => ({ data: new Float32Array(77 * 64).fill(value), shape: [1, 77, 64] });
    const run = async (latent: Latent) => {
      const ctx = await fakeContext({ env: { sessions } });
      return (await unetStep.execute({ ...inputs(latent, await schedule(3), handle), positive: context(0.5), negative: context(0) }, ctx)).latent.data;
    };
    const masked = await run({ data: known, shape: [1, 4, 8, 8], noiseMask: leftHalf });
    for (let i = 0; i < known.length; i++) if (i % 8 >= 4) expect(masked[i]).toBeCloseTo(known[i], 5);
    const painted = Array.from(masked).filter((v, i) => i % 8 < 4 && Math.abs(v - known[i]) > 1e-3).length;
    expect(painted).toBe(known.length / 2);
    expect(masked.every(Number.isFinite)).toBe(true);
    // without a mask it paints everything (all-ones mask plane, zero image planes)
    const free = await run({ data: known, shape: [1, 4, 8, 8] });
    expect(Array.from(free).filter((v, i) => Math.abs(v - known[i]) > 1e-3).length).toBe(known.length);
  }, 60_000);
});
