import { describe, expect, it } from 'vitest';
import { createNoise, createStepNoise } from '../../../models/noise.ts';
import { ancestralStep, combine, toDerivative } from '../../../models/schedulers/sampler.ts';
import { findSampler } from '../../../models/schedulers/samplers/index.ts';

describe('ancestralStep', () => {
  it('splits sigma_next^2 into a deterministic part and the DDPM posterior variance', () => {
    for (const [sigma, next] of [[14.6, 10.2], [3, 2.5], [0.5, 0.03]]) {
      const { sigmaDown, sigmaUp } = ancestralStep(sigma, next);
      expect(sigmaDown ** 2 + sigmaUp ** 2).toBeCloseTo(next ** 2, 10);
      expect(sigmaUp ** 2).toBeCloseTo((next ** 2 * (sigma ** 2 - next ** 2)) / sigma ** 2, 10);
      expect(sigmaDown).toBeCloseTo(next ** 2 / sigma, 10);
    }
    expect(ancestralStep(0.03, 0)).toEqual({ sigmaDown: 0, sigmaUp: 0 });
  });

  it.each(['euler_ancestral', 'dpm_2_ancestral', 'ddpm'])('%s adds noise of variance sigma_up^2 in one step', async (name) => {
    // With D = 0 and x = sigma * z, one step gives (sigma_down / sigma) x + sigma_up * fresh noise.
    const [sigma, next] = [4, 3];
    const { sigmaDown, sigmaUp } = ancestralStep(sigma, next);
    const n = 200_000;
    const x = createNoise(1).normal(n).map((v) => sigma * v);
    const step = findSampler(name)!.create({ denoiser: async (v) => new Float32Array(v.length), sigmas: Float64Array.from([sigma, next, 0]), noise: createStepNoise(2, n) });
    const out = (await step(0, x)).x;
    let residualVariance = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      residualVariance += (out[i] - (sigmaDown / sigma) * x[i]) ** 2;
      total += out[i] ** 2;
    }
    expect(residualVariance / n).toBeCloseTo(sigmaUp ** 2, 1);
    expect(Math.sqrt(total / n)).toBeCloseTo(next, 1);
  });
});

describe('vector helpers', () => {
  it('combine sums scaled vectors and toDerivative is (x - D) / sigma', () => {
    const a = Float32Array.from([1, 2]);
    const b = Float32Array.from([3, 5]);
    expect(Array.from(combine([[2, a], [-1, b]]))).toEqual([-1, -1]);
    expect(Array.from(toDerivative(b, 2, a))).toEqual([1, 1.5]);
  });
});
