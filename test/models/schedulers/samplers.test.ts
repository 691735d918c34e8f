import { describe, expect, it } from 'vitest';
import {
  buildSchedule,
  createNoise,
  createStepNoise,
  MULTISTEP_SAMPLERS,
  SAMPLER_DESCRIPTORS,
  SAMPLERS,
  sample,
  STOCHASTIC_SAMPLERS,
} from '../../../models/schedulers/index.ts';
import type { Denoiser, GuidedDenoiser, SampleOptions } from '../../../models/schedulers/index.ts';

/** The conformance suite every sampler runs (fake denoisers, no ONNX). */

const SINGLE_STEP = SAMPLERS.filter((s) => !MULTISTEP_SAMPLERS.includes(s));
const FIRST_ORDER = ['euler', 'ddim', 'euler_cfg_pp'];
/** LCM assumes a consistency-distilled model: with the posterior-mean denoiser below it shrinks the spread (by design, not a fault). */
const CONSISTENCY = ['lcm'];

/** Data x0 ~ N(MU, SD^2) per element: the exact denoiser is E[x0 | x] = MU + SD^2 / (SD^2 + sigma^2) (x - MU). */
const MU = 0.5;
const SD = 0.8;
const gaussianDenoiser: Denoiser = async (x, sigma) => Float32Array.from(x, (v) => MU + ((SD * SD) / (SD * SD + sigma * sigma)) * (v - MU));

/** A guided denoiser whose unconditional estimate is the guided one (cfg 1): CFG++ then is plain Euler. */
const unguided = (denoiser: Denoiser): GuidedDenoiser => async (x, sigma) => {
  const denoised = await denoiser(x, sigma);
  return { denoised, unconditional: denoised };
};

/** `sample` with a denoiser that serves both the plain and the CFG++ samplers. */
function run(options: Omit<SampleOptions, 'guidedDenoiser'>): Promise<Float32Array> {
  return sample({ ...options, guidedDenoiser: unguided(options.denoiser) });
}

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

describe('sampler descriptors', () => {
  it('have unique ComfyUI names and a reference each, and the lists derive from them', () => {
    expect(new Set(SAMPLERS).size).toBe(SAMPLERS.length);
    expect(SAMPLERS).toEqual(SAMPLER_DESCRIPTORS.map((d) => d.name));
    expect(SAMPLERS).toEqual(expect.arrayContaining([
      'euler', 'euler_ancestral', 'heun', 'dpm_2', 'dpm_2_ancestral', 'lms', 'dpmpp_2m', 'dpmpp_2m_sde', 'ddim', 'ddpm', 'plms',
      'lcm', 'uni_pc', 'uni_pc_bh2', 'dpmpp_2s_ancestral', 'dpmpp_sde', 'dpmpp_3m_sde', 'euler_cfg_pp', 'ipndm', 'deis',
    ]));
    for (const d of SAMPLER_DESCRIPTORS) expect(d.reference.length, d.name).toBeGreaterThan(10);
    expect(STOCHASTIC_SAMPLERS).toEqual(['euler_ancestral', 'dpm_2_ancestral', 'dpmpp_2s_ancestral', 'dpmpp_sde', 'dpmpp_2m_sde', 'dpmpp_3m_sde', 'ddpm', 'lcm']);
  });
});

describe.each(SAMPLERS)('sampler %s', (sampler) => {
  const stochastic = STOCHASTIC_SAMPLERS.includes(sampler);

  it('recovers the clean latent when the denoiser knows it', async () => {
    for (const schedule of ['normal', 'karras', 'leading', 'beta']) {
      const { sigmas } = buildSchedule({ sampler, schedule, steps: 12 });
      const clean = createNoise(1).normal(256);
      const start = createNoise(2).normal(256).map((n, i) => clean[i] + sigmas[0] * n);
      const out = await run({ sampler, denoiser: async () => clean, x: start, sigmas, noise: createStepNoise(3, 256) });
      expect(maxAbsDifference(out, clean), schedule).toBeLessThan(1e-5);
    }
  });

  it('converges on a Gaussian toy problem whose exact denoiser is known', async () => {
    const { sigmas } = buildSchedule({ sampler, schedule: 'karras', steps: 100 });
    const z = createNoise(5).normal(4096);
    const start = z.map((v) => MU + Math.sqrt(SD * SD + sigmas[0] ** 2) * v);
    const out = await run({ sampler, denoiser: gaussianDenoiser, x: start, sigmas, noise: createStepNoise(6, 4096) });
    const [mean, std] = meanAndStd(out);
    expect(Math.abs(mean - MU)).toBeLessThan(0.03);
    if (!CONSISTENCY.includes(sampler)) expect(Math.abs(std - SD)).toBeLessThan(0.05);
    if (!stochastic) {
      // The probability-flow ODE maps x_T to MU + SD / sqrt(SD^2 + sigma_max^2) (x_T - MU) exactly.
      const exact = start.map((v) => MU + (SD / Math.sqrt(SD * SD + sigmas[0] ** 2)) * (v - MU));
      expect(maxAbsDifference(out, exact)).toBeLessThan(FIRST_ORDER.includes(sampler) ? 0.1 : 5e-3);
    }
  });

  it('reports every step with its index, sigma and clean estimate', async () => {
    const { sigmas } = buildSchedule({ sampler, schedule: 'normal', steps: 5 });
    const steps: { i: number; sigma: number }[] = [];
    const x = createNoise(3).normal(16).map((v) => v * sigmas[0]);
    const out = await run({
      sampler,
      denoiser: gaussianDenoiser,
      x,
      sigmas,
      noise: createStepNoise(4, 16),
      onStep: ({ i, sigma, denoised, x: current }) => {
        steps.push({ i, sigma });
        expect(denoised).toHaveLength(16);
        expect(current).toHaveLength(16);
      },
    });
    expect(steps).toEqual(Array.from({ length: sigmas.length - 1 }, (_, i) => ({ i, sigma: sigmas[i] })));
    expect(out).toHaveLength(16);
  });

  it('stops between steps with a sampling_cancelled error when the signal aborts', async () => {
    const { sigmas } = buildSchedule({ sampler, schedule: 'normal', steps: 10 });
    const controller = new AbortController();
    let calls = 0;
    const denoiser: Denoiser = async (x, sigma) => {
      calls++;
      return gaussianDenoiser(x, sigma);
    };
    const running = run({
      sampler,
      denoiser,
      x: new Float32Array(8),
      sigmas,
      noise: createStepNoise(0, 8),
      signal: controller.signal,
      onStep: ({ i }) => i === 1 && controller.abort(),
    });
    await expect(running).rejects.toMatchObject({ code: 'sampling_cancelled' });
    expect(calls).toBeLessThanOrEqual(4);
  });

  it('is reproducible: the same seed gives the same latent', async () => {
    const { sigmas } = buildSchedule({ sampler, schedule: 'karras', steps: 6 });
    const x = createNoise(8).normal(32).map((v) => v * sigmas[0]);
    const once = () => run({ sampler, denoiser: gaussianDenoiser, x, sigmas, noise: createStepNoise(9, 32) });
    expect(Array.from(await once())).toEqual(Array.from(await once()));
  });
});

describe.each(SINGLE_STEP)('single-step sampler %s', (sampler) => {
  it('gives the same result split as [0, k) + [k, n) as in one run', async () => {
    const { sigmas } = buildSchedule({ sampler, schedule: 'karras', steps: 9 });
    const x = createNoise(8).normal(64).map((v) => v * sigmas[0]);
    const noise = createStepNoise(9, 64);
    const whole = await run({ sampler, denoiser: gaussianDenoiser, x, sigmas, noise });
    const first = await run({ sampler, denoiser: gaussianDenoiser, x, sigmas, noise, endStep: 4 });
    const split = await run({ sampler, denoiser: gaussianDenoiser, x: first, sigmas, noise, startStep: 4 });
    expect(split).toEqual(whole);
  });
});

describe.each(STOCHASTIC_SAMPLERS)('stochastic sampler %s', (sampler) => {
  it('draws the same noise for a step however the schedule is split (step-keyed noise)', async () => {
    // A denoiser that always gives the same clean latent makes multistep history irrelevant, so only the noise can differ.
    const { sigmas } = buildSchedule({ sampler, schedule: 'karras', steps: 9 });
    const clean = createNoise(1).normal(64);
    const denoiser: Denoiser = async () => clean;
    const x = createNoise(8).normal(64).map((v, i) => clean[i] + v * sigmas[0]);
    const noise = createStepNoise(9, 64);
    const whole = await run({ sampler, denoiser, x, sigmas, noise, endStep: 7 });
    let split: Float32Array = x;
    for (const [startStep, endStep] of [[0, 2], [2, 3], [3, 7]]) split = await run({ sampler, denoiser, x: split, sigmas, noise, startStep, endStep });
    expect(maxAbsDifference(whole, x)).toBeGreaterThan(0.01);
    expect(split).toEqual(whole);
    const otherSeed = await run({ sampler, denoiser, x, sigmas, noise: createStepNoise(10, 64), endStep: 7 });
    expect(maxAbsDifference(otherSeed, whole)).toBeGreaterThan(1e-3);
  });
});

describe('multistep samplers split mid-schedule', () => {
  it.each(MULTISTEP_SAMPLERS)('%s restarts its history at the split: close to, but not equal to, one run', async (sampler) => {
    const { sigmas } = buildSchedule({ sampler, schedule: 'karras', steps: 20 });
    const x = createNoise(8).normal(256).map((v) => MU + Math.sqrt(SD * SD + sigmas[0] ** 2) * v);
    const noise = createStepNoise(9, 256);
    const whole = await run({ sampler, denoiser: gaussianDenoiser, x, sigmas, noise });
    const first = await run({ sampler, denoiser: gaussianDenoiser, x, sigmas, noise, endStep: 10 });
    const split = await run({ sampler, denoiser: gaussianDenoiser, x: first, sigmas, noise, startStep: 10 });
    const difference = maxAbsDifference(split, whole);
    expect(difference).toBeGreaterThan(0);
    expect(difference).toBeLessThan(STOCHASTIC_SAMPLERS.includes(sampler) ? 0.5 : 0.05);
  });
});

describe('order of accuracy on the Gaussian toy problem (karras sigmas)', () => {
  /** Error against the exact ODE solution at the last level above 0 (the jump to 0 would add a floor of order sigma_min^2). */
  async function odeError(sampler: string, steps: number): Promise<number> {
    const sigmas = buildSchedule({ sampler, schedule: 'karras', steps }).sigmas.slice(0, -1);
    const start = createNoise(5).normal(256).map((v) => MU + Math.sqrt(SD * SD + sigmas[0] ** 2) * v);
    const shrink = Math.sqrt(SD * SD + sigmas.at(-1)! ** 2) / Math.sqrt(SD * SD + sigmas[0] ** 2);
    const exact = start.map((v) => MU + shrink * (v - MU));
    const out = await run({ sampler, denoiser: gaussianDenoiser, x: start, sigmas, noise: createStepNoise(6, 256) });
    return maxAbsDifference(out, exact);
  }

  it.each(FIRST_ORDER)('%s is first order: doubling the steps halves the error', async (sampler) => {
    const ratio = (await odeError(sampler, 40)) / (await odeError(sampler, 20));
    expect(ratio).toBeGreaterThan(0.45);
    expect(ratio).toBeLessThan(0.55);
  });

  it.each(['heun', 'dpm_2', 'lms', 'dpmpp_2m', 'plms', 'ipndm', 'deis', 'uni_pc', 'uni_pc_bh2'])(
    '%s is higher order: doubling the steps cuts the error by 3x or more',
    async (sampler) => {
      const ratio = (await odeError(sampler, 40)) / (await odeError(sampler, 20));
      expect(ratio).toBeLessThan(0.33);
    },
  );
});
