import { describe, expect, it } from 'vitest';
import { createUnetDenoiser } from '../../../nodes/lib/unet-denoiser.ts';
import type { ModelSession, Tensor, TensorType } from '../../../runtime/backends/index.ts';
import type { Conditioning } from '../../../nodes/lib/sd-types.ts';
import { fakeSession } from '../fake-context.ts';

interface Call { feeds: Record<string, Tensor> }

/**
 * A fake UNet whose eps for row r is sample * 0.5 + context[r][0] (so cond and uncond rows differ by
 * the prompt) + timestep / 1000.
 */
function fakeUnet(timestepType: TensorType = 'float32', timestepDims: (number | string)[] = ['batch']) {
  const calls: Call[] = [];
  const session: ModelSession = fakeSession('/models/fake/unet.onnx', {
    inputs: [
      { name: 'sample', type: 'float32', dims: ['batch', 4, 'h', 'w'] },
      { name: 'timestep', type: timestepType, dims: timestepDims },
      { name: 'encoder_hidden_states', type: 'float32', dims: ['batch', 77, 'width'] },
    ],
    outputs: [{ name: 'out_sample', type: 'float32', dims: ['batch', 4, 'h', 'w'] }],
  }, async (feeds) => {
      calls.push({ feeds });
      const sample = feeds.sample.data as Float32Array;
      const [rows] = feeds.sample.dims;
      const perRow = sample.length / rows;
      const context = feeds.encoder_hidden_states.data as Float32Array;
      const contextRow = context.length / rows;
      const t = Number(feeds.timestep.data[0]);
      const out = new Float32Array(sample.length);
      for (let i = 0; i < out.length; i++) out[i] = sample[i] * 0.5 + context[Math.floor(i / perRow) * contextRow] + t / 1000;
      return { out_sample: { type: 'float32', data: out, dims: feeds.sample.dims } };
  });
  return { session, calls };
}

const conditioning = (value: number, batch = 1): Conditioning => ({ data: new Float32Array(batch * 77 * 8).fill(value), shape: [batch, 77, 8] });
const sigmaToTimestep = (sigma: number) => sigma * 100;

describe('UNet denoiser (model adapter)', () => {
  it('runs cond and uncond as one batch and applies CFG, c_in and x - sigma * eps', async () => {
    const { session, calls } = fakeUnet();
    const shape = [2, 4, 8, 8];
    const denoise = createUnetDenoiser({ session, shape, positive: conditioning(3), negative: conditioning(1), cfg: 7.5, sigmaToTimestep });
    const x = Float32Array.from({ length: 512 }, (_, i) => i / 100 - 1);
    const sigma = 2;
    const { denoised, unconditional } = await denoise(x, sigma);

    expect(calls).toHaveLength(1);
    const { feeds } = calls[0];
    expect(feeds.sample.dims).toEqual([4, 4, 8, 8]);
    expect(feeds.encoder_hidden_states.dims).toEqual([4, 77, 8]);
    const context = feeds.encoder_hidden_states.data as Float32Array;
    expect([context[0], context[77 * 8], context[2 * 77 * 8], context[3 * 77 * 8]]).toEqual([3, 3, 1, 1]);
    expect(feeds.timestep).toEqual({ type: 'float32', data: new Float32Array(4).fill(200), dims: [4] });

    const cIn = 1 / Math.sqrt(sigma * sigma + 1);
    for (let i = 0; i < x.length; i++) {
      expect((feeds.sample.data as Float32Array)[i]).toBeCloseTo(x[i] * cIn, 6);
      expect((feeds.sample.data as Float32Array)[512 + i]).toBeCloseTo(x[i] * cIn, 6);
      const cond = x[i] * cIn * 0.5 + 3 + 0.2;
      const uncond = x[i] * cIn * 0.5 + 1 + 0.2;
      expect(denoised[i]).toBeCloseTo(x[i] - sigma * (uncond + 7.5 * (cond - uncond)), 4);
      expect(unconditional[i]).toBeCloseTo(x[i] - sigma * uncond, 4);
    }
  });

  it('pads latents whose sides are not multiples of 8 by repeating the edge, and crops the result', async () => {
    const { session, calls } = fakeUnet();
    const shape = [1, 4, 5, 6];
    const denoise = createUnetDenoiser({ session, shape, positive: conditioning(3), negative: conditioning(1), cfg: 2, sigmaToTimestep });
    const x = Float32Array.from({ length: 120 }, (_, i) => Math.cos(i));
    const { denoised } = await denoise(x, 1);
    const { dims, data } = calls[0].feeds.sample;
    expect(dims).toEqual([2, 4, 8, 8]);
    const cIn = 1 / Math.sqrt(2);
    const fed = data as Float32Array;
    expect(fed[7]).toBeCloseTo(x[5] * cIn, 6); // row 0 repeats its last column
    expect(fed[7 * 8]).toBeCloseTo(x[4 * 6] * cIn, 6); // the last row repeats
    expect(fed[(2 * 8 + 3) * 8 + 2]).toBeCloseTo(x[(2 * 5 + 3) * 6 + 2] * cIn, 6);
    expect(denoised).toHaveLength(120);
    for (let i = 0; i < 120; i++) {
      const cond = x[i] * cIn * 0.5 + 3 + 0.1;
      const uncond = x[i] * cIn * 0.5 + 1 + 0.1;
      expect(denoised[i]).toBeCloseTo(x[i] - (uncond + 2 * (cond - uncond)), 4);
    }
  });

  it('skips the negative half when cfg is 1', async () => {
    const { session, calls } = fakeUnet();
    const denoise = createUnetDenoiser({ session, shape: [1, 4, 8, 8], positive: conditioning(2), negative: conditioning(9), cfg: 1, sigmaToTimestep });
    const { denoised, unconditional } = await denoise(new Float32Array(256).fill(1), 0.5);
    expect(calls[0].feeds.sample.dims).toEqual([1, 4, 8, 8]);
    const cIn = 1 / Math.sqrt(1.25);
    expect(denoised[0]).toBeCloseTo(1 - 0.5 * (cIn * 0.5 + 2 + 0.05), 5);
    expect(unconditional).toBe(denoised);
  });

  it('runs the negative prompt at cfg 1 too when asked for the unconditional estimate (CFG++ samplers)', async () => {
    const { session, calls } = fakeUnet();
    const denoise = createUnetDenoiser({ session, shape: [1, 4, 8, 8], positive: conditioning(2), negative: conditioning(9), cfg: 1, unconditional: true, sigmaToTimestep });
    const { denoised, unconditional } = await denoise(new Float32Array(256).fill(1), 0.5);
    expect(calls[0].feeds.sample.dims).toEqual([2, 4, 8, 8]);
    const cIn = 1 / Math.sqrt(1.25);
    expect(denoised[0]).toBeCloseTo(1 - 0.5 * (cIn * 0.5 + 2 + 0.05), 5);
    expect(unconditional[0]).toBeCloseTo(1 - 0.5 * (cIn * 0.5 + 9 + 0.05), 5);
  });

  it('feeds an int64 timestep, rounded, when the UNet declares one, and honours a fixed [1] shape', async () => {
    const { session, calls } = fakeUnet('int64', [1]);
    const denoise = createUnetDenoiser({ session, shape: [1, 4, 1, 1], positive: conditioning(0), negative: conditioning(0), cfg: 5, sigmaToTimestep });
    await denoise(new Float32Array(4), 1.234);
    expect(calls[0].feeds.timestep).toEqual({ type: 'int64', data: BigInt64Array.of(123n), dims: [1] });
  });

  it('refuses conditioning whose batch does not match the latent', () => {
    const { session } = fakeUnet();
    expect(() =>
      createUnetDenoiser({ session, shape: [3, 4, 1, 1], positive: conditioning(0, 2), negative: conditioning(0), cfg: 5, sigmaToTimestep }),
    ).toThrow(/positive conditioning has batch 2/);
  });

  it('names the missing input of a UNet that is not an SD UNet', () => {
    const { session } = fakeUnet();
    const odd = { ...session, inputs: session.inputs.filter((i) => i.name !== 'timestep') };
    expect(() => createUnetDenoiser({ session: odd, shape: [1, 4, 1, 1], positive: conditioning(0), negative: conditioning(0), cfg: 5, sigmaToTimestep }))
      .toThrow(/no "timestep" input/);
  });

  it('refuses a half-precision UNet with a clear message', () => {
    const { session } = fakeUnet('float16');
    expect(() => createUnetDenoiser({ session, shape: [1, 4, 1, 1], positive: conditioning(0), negative: conditioning(0), cfg: 5, sigmaToTimestep }))
      .toThrow(/takes "timestep" as float16; supported: float32, int64/);
  });

  it('refuses a ControlNet on combined or area prompts with a coded error instead of dropping it', () => {
    const { session } = fakeUnet();
    const control = [{ strength: 1 }] as unknown as Conditioning['control'];
    const combined: Conditioning = { ...conditioning(3), others: [{ ...conditioning(2), control }] };
    expect(() => createUnetDenoiser({ session, shape: [1, 4, 8, 8], positive: combined, negative: conditioning(1), cfg: 7.5, sigmaToTimestep }))
      .toThrow(expect.objectContaining({ code: 'controlnet_with_conditioning_parts' }));
    const strengthZero = [{ strength: 0 }] as unknown as Conditioning['control'];
    expect(() => createUnetDenoiser({ session, shape: [1, 4, 8, 8], positive: { ...combined, others: [{ ...conditioning(2), control: strengthZero }] }, negative: conditioning(1), cfg: 7.5, sigmaToTimestep }))
      .not.toThrow();
  });
});
