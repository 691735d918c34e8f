import { describe, expect, it } from 'vitest';
import { latentMaskValues, withNoiseMask } from '../../../nodes/lib/noise-mask.ts';
import { sample } from '../../../models/schedulers/index.ts';
import { createNoise, createStepNoise } from '../../../models/noise.ts';

describe('sampling with a noise mask', () => {
  it('repeats the mask, at latent size, over the channels', () => {
    const values = latentMaskValues({ width: 16, height: 8, batch: 1, data: Float32Array.from({ length: 128 }, (_, i) => (i % 16 < 8 ? 1 : 0)) }, [1, 4, 1, 2]);
    expect(Array.from(values)).toEqual([1, 0, 1, 0, 1, 0, 1, 0]);
  });

  it('feeds the model the known latent at each call\'s noise level and returns it in the kept region', async () => {
    const mask = Float32Array.from([1, 0]);
    const known = Float32Array.from([5, 7]);
    const noise = Float32Array.from([0.5, -2]);
    const seen: number[][] = [];
    const denoiser = withNoiseMask(async (x) => {
      seen.push(Array.from(x));
      return new Float32Array(x.length).fill(1);
    }, { mask, known, noise });
    const denoised = await denoiser(Float32Array.from([100, 100]), 3);
    expect(seen).toEqual([[100, 7 + 3 * -2]]);
    expect(Array.from(denoised)).toEqual([1, 7]);
  });

  it('ends a full euler run on the known latent where the mask keeps it, and elsewhere on what the model draws', async () => {
    const mask = Float32Array.from([1, 1, 0, 0.5]);
    const known = Float32Array.from([0, 0, 2, -2]);
    const sigmas = Float64Array.from([10, 5, 2, 1, 0.5, 0]);
    const initial = createNoise(3).normal(4);
    const noise = createStepNoise(3, 4);
    const x = Float32Array.from(known, (v, i) => v + sigmas[0] * initial[i]);
    // a model that believes the clean latent is all 1
    const denoiser = withNoiseMask(async (xs) => new Float32Array(xs.length).fill(1), { mask, known, noise: initial });
    const result = await sample({ sampler: 'euler', denoiser, x, sigmas, noise });
    expect(result[0]).toBeCloseTo(1, 5);
    expect(result[1]).toBeCloseTo(1, 5);
    expect(result[2]).toBeCloseTo(2, 5);
    expect(result[3]).toBeCloseTo((1 + -2) / 2, 5);
  });
});
