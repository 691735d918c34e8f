import { describe, expect, it } from 'vitest';
import { buildSchedule, createNoise, MULTISTEP_SAMPLERS, SAMPLERS, sample } from '../../../models/schedulers/index.ts';
import type { Denoiser, SamplerName } from '../../../models/schedulers/index.ts';

/** The conformance suite every sampler runs (fake denoisers, no ONNX). */

const STOCHASTIC: readonly SamplerName[] = ['euler_ancestral', 'dpm_2_ancestral', 'dpmpp_2m_sde', 'ddpm'];
const SINGLE_STEP = SAMPLERS.filter((s) => !MULTISTEP_SAMPLERS.includes(s));

/** Data x0 ~ N(MU, SD^2) per element: the exact denoiser is E[x0 | x] = MU + SD^2 / (SD^2 + sigma^2) (x - MU). */
const MU = 0.5;
const SD = 0.8;
const gaussianDenoiser: Denoiser = async (x, sigma) => Float32Array.from(x, (v) => MU + ((SD * SD) / (SD * SD + sigma * sigma)) * (v - MU));

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function meanAndStd(values: Float32Array): [number, number] {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return [mean, Math.sqrt(variance)];
}

describe.each(SAMPLERS)('sampler %s', (sampler) => {
  const stochastic = STOCHASTIC.includes(sampler);

  it('recovers the clean latent when the denoiser knows it', async () => {
    for (const schedule of ['default', 'karras']) {
      const { sigmas } = buildSchedule({ sampler, schedule, steps: 12 });
      const clean = createNoise(1).normal(256);
      const noise = createNoise(2);
      const start = noise.normal(256).map((n, i) => clean[i] + sigmas[0] * n);
      const out = await sample({ sampler, denoiser: async () => clean, x: start, sigmas, noise });
      expect(maxAbsDifference(out, clean)).toBeLessThan(1e-5);
    }
  });

  it('converges on a Gaussian toy problem whose exact denoiser is known', async () => {
    const { sigmas } = buildSchedule({ sampler, schedule: 'karras', steps: 100 });
    const z = createNoise(5).normal(4096);
    const start = z.map((v) => MU + Math.sqrt(SD * SD + sigmas[0] ** 2) * v);
    const out = await sample({ sampler, denoiser: gaussianDenoiser, x: start, sigmas, noise: createNoise(6) });
    const [mean, std] = meanAndStd(out);
    expect(Math.abs(mean - MU)).toBeLessThan(0.03);
    expect(Math.abs(std - SD)).toBeLessThan(0.05);
    if (!stochastic) {
      // The probability-flow ODE maps x_T to MU + SD / sqrt(SD^2 + sigma_max^2) (x_T - MU) exactly.
      const exact = start.map((v) => MU + (SD / Math.sqrt(SD * SD + sigmas[0] ** 2)) * (v - MU));
      const firstOrder = sampler === 'euler' || sampler === 'ddim';
      expect(maxAbsDifference(out, exact)).toBeLessThan(firstOrder ? 0.1 : 5e-3);
    }
  });

  it('reports every step with its index, sigma and clean estimate', async () => {
    const { sigmas } = buildSchedule({ sampler, schedule: 'default', steps: 5 });
    const steps: { i: number; sigma: number }[] = [];
    const x = createNoise(3).normal(16).map((v) => v * sigmas[0]);
    const out = await sample({
      sampler,
      denoiser: gaussianDenoiser,
      x,
      sigmas,
      noise: createNoise(4),
      onStep: ({ i, sigma, denoised, x: current }) => {
        steps.push({ i, sigma });
        expect(denoised).toHaveLength(16);
        expect(current).toHaveLength(16);
      },
    });
    expect(steps).toEqual(Array.from({ length: 5 }, (_, i) => ({ i, sigma: sigmas[i] })));
    expect(out).toHaveLength(16);
  });

  it('stops between steps with a cancelled error when the signal aborts', async () => {
    const { sigmas } = buildSchedule({ sampler, schedule: 'default', steps: 10 });
    const controller = new AbortController();
    let calls = 0;
    const denoiser: Denoiser = async (x, sigma) => {
      calls++;
      return gaussianDenoiser(x, sigma);
    };
    const run = sample({
      sampler,
      denoiser,
      x: new Float32Array(8),
      sigmas,
      noise: createNoise(0),
      signal: controller.signal,
      onStep: ({ i }) => i === 1 && controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ code: 'sampling_cancelled' });
    expect(calls).toBeLessThanOrEqual(4);
  });
});

describe.each(SINGLE_STEP)('single-step sampler %s', (sampler) => {
  it('gives the same result split as [0, k) + [k, n) as in one run', async () => {
    const { sigmas } = buildSchedule({ sampler, schedule: 'karras', steps: 9 });
    const x = createNoise(8).normal(64).map((v) => v * sigmas[0]);
    const whole = await sample({ sampler, denoiser: gaussianDenoiser, x, sigmas, noise: createNoise(9) });
    const noise = createNoise(9);
    const first = await sample({ sampler, denoiser: gaussianDenoiser, x, sigmas, noise, endStep: 4 });
    const split = await sample({ sampler, denoiser: gaussianDenoiser, x: first, sigmas, noise, startStep: 4 });
    expect(split).toEqual(whole);
  });
});

describe('multistep samplers split mid-schedule', () => {
  it.each(MULTISTEP_SAMPLERS)('%s restarts its history at the split: close to, but not equal to, one run', async (sampler) => {
    const { sigmas } = buildSchedule({ sampler, schedule: 'karras', steps: 20 });
    const x = createNoise(8).normal(256).map((v) => MU + Math.sqrt(SD * SD + sigmas[0] ** 2) * v);
    const whole = await sample({ sampler, denoiser: gaussianDenoiser, x, sigmas, noise: createNoise(9) });
    const noise = createNoise(9);
    const first = await sample({ sampler, denoiser: gaussianDenoiser, x, sigmas, noise, endStep: 10 });
    const split = await sample({ sampler, denoiser: gaussianDenoiser, x: first, sigmas, noise, startStep: 10 });
    const difference = maxAbsDifference(split, whole);
    expect(difference).toBeGreaterThan(0);
    expect(difference).toBeLessThan(sampler === 'dpmpp_2m_sde' ? 0.5 : 0.05);
  });
});

describe('order of accuracy on the Gaussian toy problem (karras sigmas)', () => {
  async function odeError(sampler: SamplerName, steps: number): Promise<number> {
    const { sigmas } = buildSchedule({ sampler, schedule: 'karras', steps });
    const start = createNoise(5).normal(256).map((v) => MU + Math.sqrt(SD * SD + sigmas[0] ** 2) * v);
    const exact = start.map((v) => MU + (SD / Math.sqrt(SD * SD + sigmas[0] ** 2)) * (v - MU));
    const out = await sample({ sampler, denoiser: gaussianDenoiser, x: start, sigmas, noise: createNoise(6) });
    return maxAbsDifference(out, exact);
  }

  it.each(['euler', 'ddim'] as const)('%s is first order: doubling the steps halves the error', async (sampler) => {
    const ratio = (await odeError(sampler, 40)) / (await odeError(sampler, 20));
    expect(ratio).toBeGreaterThan(0.45);
    expect(ratio).toBeLessThan(0.55);
  });

  it.each(['heun', 'dpm_2', 'lms', 'dpmpp_2m', 'plms'] as const)('%s is higher order: doubling the steps cuts the error by 3x or more', async (sampler) => {
    const ratio = (await odeError(sampler, 40)) / (await odeError(sampler, 20));
    expect(ratio).toBeLessThan(0.33);
  });
});
