import { describe, expect, it } from 'vitest';
import { createNoise, createStepNoise, prepareInitial, sample } from '../../../models/schedulers/index.ts';
import type { Denoiser } from '../../../models/schedulers/index.ts';

const halve: Denoiser = async (x) => x.map((v) => v / 2);

describe('sample', () => {
  const sigmas = Float64Array.from([2, 1, 0]);

  it('rejects an unknown sampler by name', async () => {
    await expect(sample({ sampler: 'euler_a', denoiser: halve, x: new Float32Array(2), sigmas, noise: createStepNoise(0, 2) })).rejects.toMatchObject({
      code: 'unknown_sampler',
      input: 'sampler',
    });
  });

  it('rejects a step range outside the schedule', async () => {
    for (const [startStep, endStep] of [[0, 3], [2, 1], [-1, 2]]) {
      await expect(
        sample({ sampler: 'euler', denoiser: halve, x: new Float32Array(2), sigmas, noise: createStepNoise(0, 2), startStep, endStep }),
      ).rejects.toMatchObject({ code: 'steps_outside_schedule' });
    }
  });

  it('rejects sigmas that increase, are negative or are not finite', async () => {
    for (const bad of [[1, 2, 0], [2, -1], [Number.NaN, 0]]) {
      await expect(
        sample({ sampler: 'euler', denoiser: halve, x: new Float32Array(2), sigmas: Float64Array.from(bad), noise: createStepNoise(0, 2) }),
      ).rejects.toMatchObject({ code: 'sigmas_invalid', input: 'schedule' });
    }
  });

  it('refuses a CFG++ sampler without the unconditional estimate', async () => {
    await expect(sample({ sampler: 'euler_cfg_pp', denoiser: halve, x: new Float32Array(2), sigmas, noise: createStepNoise(0, 2) })).rejects.toMatchObject({
      code: 'sampler_needs_unconditional',
      input: 'sampler',
    });
  });

  it('gives the sampler only the steps it runs: step i of the run is step start + i of the schedule, noise included', async () => {
    const seen: number[] = [];
    const noise = (step: number) => {
      seen.push(step);
      return new Float32Array(2);
    };
    const steps: number[] = [];
    const four = Float64Array.from([8, 4, 2, 1, 0]);
    await sample({ sampler: 'euler_ancestral', denoiser: halve, x: new Float32Array(2), sigmas: four, noise, startStep: 1, endStep: 3, onStep: ({ i }) => steps.push(i) });
    expect(seen).toEqual([1, 2]);
    expect(steps).toEqual([1, 2]);
  });

  it('returns the input unchanged for an empty range', async () => {
    const x = Float32Array.from([1, 2]);
    expect(await sample({ sampler: 'heun', denoiser: halve, x, sigmas, noise: createStepNoise(0, 2), startStep: 1, endStep: 1 })).toBe(x);
  });
});

describe('prepareInitial', () => {
  it('adds the seed\'s noise at the first sigma to the latent', () => {
    const latent = Float32Array.from([0, 1, -2, 0.5]);
    const noise = createNoise(11).normal(4);
    const x = prepareInitial(latent, 3, createNoise(11));
    expect(Array.from(x)).toEqual(Array.from(latent, (v, i) => Math.fround(v + 3 * noise[i])));
  });

  it('gives pure noise of the first level for an empty latent', () => {
    const x = prepareInitial(new Float32Array(4), 14.6, createNoise(5));
    expect(Array.from(x)).toEqual(Array.from(createNoise(5).normal(4), (n) => Math.fround(14.6 * n)));
  });
});
