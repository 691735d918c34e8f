import { describe, expect, it } from 'vitest';
import { boxWeights, conditioningParts, hasParts, latentBox } from '../../../nodes/lib/conditioning-parts.ts';
import { createUnetDenoiser } from '../../../nodes/lib/unet-denoiser.ts';
import type { Conditioning } from '../../../nodes/lib/sd-types.ts';
import type { ModelSession, Tensor } from '../../../runtime/backends/index.ts';
import combine from '../../../nodes/conditioning-combine.ts';
import setArea from '../../../nodes/conditioning-set-area.ts';
import zeroOut from '../../../nodes/conditioning-zero-out.ts';
import { fakeContext } from '../fake-context.ts';

/** A fake UNet whose eps is the first value of each row's prompt, everywhere (so each prompt's estimate is known). */
function fakeUnet() {
  const calls: Record<string, Tensor>[] = [];
  const session: ModelSession = {
    modelPath: '/models/fake/unet.onnx',
    backend: 'cpu',
    settings: { graphOptimizationLevel: 'all', memoryArena: true, memoryPattern: true, spinning: false },
    runProgram: () => Promise.reject(new Error('no session programs in this test')),
    inputs: [
      { name: 'sample', type: 'float32', dims: ['batch', 4, 'h', 'w'] },
      { name: 'timestep', type: 'float32', dims: ['batch'] },
      { name: 'encoder_hidden_states', type: 'float32', dims: ['batch', 77, 'width'] },
    ],
    outputs: [{ name: 'out_sample', type: 'float32', dims: ['batch', 4, 'h', 'w'] }],
    async run(feeds) {
      calls.push(feeds);
      const [rows] = feeds.sample.dims;
      const perRow = feeds.sample.data.length / rows;
      const context = feeds.encoder_hidden_states.data as Float32Array;
      const out = Float32Array.from({ length: feeds.sample.data.length }, (_, i) => context[Math.floor(i / perRow) * (context.length / rows)]);
      return { out_sample: { type: 'float32', data: out, dims: feeds.sample.dims } };
    },
  };
  return { session, calls };
}

const prompt = (value: number, chunks = 1): Conditioning => ({ data: new Float32Array(77 * chunks * 8).fill(value), shape: [1, 77 * chunks, 8] });
const run = async <T extends { execute: (inputs: never, ctx: never) => Promise<{ conditioning: Conditioning }> }>(node: T, inputs: Record<string, unknown>) =>
  (await node.execute(inputs as never, (await fakeContext()) as never)).conditioning;
const sigmaToTimestep = (sigma: number) => sigma * 100;
// 16 x 24 latent (128 x 192 pixels), x = 0: denoised = -sigma * eps, so with sigma 1 each pixel shows minus the averaged prompt value.
const shape = [1, 4, 16, 24];
const x = new Float32Array(4 * 16 * 24);
const at = (data: Float32Array, px: number, py: number) => -data[py * 24 + px];

describe('combined, area and zeroed conditioning', () => {
  it('ConditioningCombine lists the prompts of both inputs; SetArea and ZeroOut act on every prompt of the list', async () => {
    const both = await run(combine, { conditioning_1: prompt(1), conditioning_2: await run(combine, { conditioning_1: prompt(2), conditioning_2: prompt(3) }) });
    expect(conditioningParts(both).map((part) => part.data[0])).toEqual([1, 2, 3]);
    const placed = await run(setArea, { conditioning: both, width: 64, height: 32, x: 8, y: 16, strength: 0.5 });
    expect(conditioningParts(placed).map((part) => [part.area, part.strength])).toEqual(Array(3).fill([{ width: 64, height: 32, x: 8, y: 16 }, 0.5]));
    const zeroed = await run(zeroOut, { conditioning: placed });
    expect(conditioningParts(zeroed).every((part) => part.data.every((v) => v === 0) && part.data.length === 77 * 8 && part.area?.width === 64)).toBe(true);
    expect([hasParts(prompt(1)), hasParts(both), hasParts({ ...prompt(1), strength: 2 })]).toEqual([false, true, true]);
  });

  it('an area is 1/8 in latent pixels, clipped to the latent, and feathered over 8 latent pixels only at edges inside the latent', () => {
    expect(latentBox({ width: 256, height: 64, x: 64, y: 0 }, 16, 24)).toEqual({ x: 8, y: 0, w: 16, h: 8 });
    expect(latentBox({ width: 64, height: 64, x: 512, y: 0 }, 16, 24)).toBeUndefined();
    const weights = boxWeights({ x: 8, y: 0, w: 16, h: 8 }, 2, 16, 24);
    // Row 0 touches the latent's top (no ramp); the left edge is inside (ramp 1/8 .. 8/8); the right edge is the latent's.
    expect(Array.from(weights.subarray(0, 16))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 8, 8, 8, 8, 8, 8, 8, 8].map((k) => (2 * k) / 8));
    // The bottom edge (row 7 of 8, inside the latent) ramps too.
    expect(weights[7 * 16 + 15]).toBeCloseTo(2 / 8);
  });

  it('two combined prompts over the whole image are each run and averaged, in one call with the negative, prompts of other lengths repeated', async () => {
    const { session, calls } = fakeUnet();
    const positive = await run(combine, { conditioning_1: prompt(2), conditioning_2: prompt(4, 2) });
    const denoise = createUnetDenoiser({ session, shape, positive, negative: prompt(10), cfg: 1, unconditional: true, sigmaToTimestep });
    const { denoised, unconditional } = await denoise(x, 1);
    expect(calls).toHaveLength(1);
    expect(calls[0].sample.dims).toEqual([3, 4, 16, 24]);
    expect(calls[0].encoder_hidden_states.dims).toEqual([3, 154, 8]);
    expect(at(denoised, 5, 5)).toBeCloseTo(3);
    expect(at(unconditional, 5, 5)).toBeCloseTo(10);
  });

  it('an area prompt runs on its crop and is weighted there by strength; elsewhere only the other prompt counts; CFG combines the averages', async () => {
    const { session, calls } = fakeUnet();
    const right = await run(setArea, { conditioning: prompt(6), width: 128, height: 128, x: 64, y: 0, strength: 3 });
    const positive = await run(combine, { conditioning_1: prompt(2), conditioning_2: right });
    const denoise = createUnetDenoiser({ session, shape, positive, negative: prompt(1), cfg: 2, sigmaToTimestep });
    const { denoised } = await denoise(x, 1);
    expect(calls.map((call) => call.sample.dims).sort()).toEqual([[1, 4, 16, 16], [2, 4, 16, 24]].sort());
    const guided = (cond: number) => 1 + 2 * (cond - 1);
    expect(at(denoised, 2, 5)).toBeCloseTo(guided(2));
    // Inside the area past the ramp: (2 * 1 + 6 * 3) / (1 + 3).
    expect(at(denoised, 20, 5)).toBeCloseTo(guided(5));
    // On the ramp's first column: weight 3 / 8.
    expect(at(denoised, 8, 5)).toBeCloseTo(guided((2 + 6 * 3 / 8) / (1 + 3 / 8)));
  });

  it('a pixel no positive prompt covers gets a denoised estimate of 0 there, as ComfyUI', async () => {
    const { session } = fakeUnet();
    const positive = await run(setArea, { conditioning: prompt(2), width: 64, height: 64, x: 0, y: 0, strength: 1 });
    const denoise = createUnetDenoiser({ session, shape, positive, negative: prompt(1), cfg: 1, sigmaToTimestep });
    const start = Float32Array.from(x, () => 0.5);
    const { denoised } = await denoise(start, 1);
    expect(denoised[12 * 24 + 20]).toBeCloseTo(0);
    expect(denoised[2 * 24 + 2]).toBeCloseTo(0.5 - 2);
  });

  it('a plain prompt stays one batched call of [cond, uncond]', async () => {
    const { session, calls } = fakeUnet();
    const denoise = createUnetDenoiser({ session, shape, positive: prompt(2), negative: prompt(1), cfg: 7, sigmaToTimestep });
    await denoise(x, 1);
    expect(calls.map((call) => call.sample.dims)).toEqual([[2, 4, 16, 24]]);
  });
});
