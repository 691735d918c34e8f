import { expect, it } from 'vitest';
import { ALPHAS_CUMPROD, buildSchedule, createNoise, createStepNoise, sample, sigmaToTimestep } from '../../../models/schedulers/index.ts';
import type { Denoiser } from '../../../models/schedulers/index.ts';

/** A fake eps-predicting UNet in the CompVis reference's variance-preserving space. */
const epsModel = (x: Float64Array, t: number) => x.map((v, i) => 0.3 * v + Math.sin(t / 97 + i) * 0.2);

/** The CompVis reference's DDPM loop, transcribed from ARCHITECTURE.md: x in VP space, timesteps 1000 // n apart. */
function compvisDdpm(xT: Float64Array, steps: number, noiseSeed: number, skip = 0): Float64Array[] {
  const ratio = Math.floor(1000 / steps);
  const timesteps = Array.from({ length: steps }, (_, k) => (steps - 1 - k) * ratio).slice(skip);
  const noise = createStepNoise(noiseSeed, xT.length);
  let x = xT;
  const trajectory: Float64Array[] = [];
  for (const [k, t] of timesteps.entries()) {
    const prev = t - ratio;
    const abarT = ALPHAS_CUMPROD[t];
    const abarPrev = prev >= 0 ? ALPHAS_CUMPROD[prev] : 1;
    const eps = epsModel(x, t);
    const x0 = x.map((v, i) => (v - Math.sqrt(1 - abarT) * eps[i]) / Math.sqrt(abarT));
    const alphaT = abarT / abarPrev;
    const betaT = 1 - alphaT;
    const current = x;
    x = x.map((v, i) => ((Math.sqrt(abarPrev) * betaT) / (1 - abarT)) * x0[i] + ((Math.sqrt(alphaT) * (1 - abarPrev)) / (1 - abarT)) * current[i]);
    if (t > 0) {
      const z = noise(skip + k);
      const std = Math.sqrt(Math.max(((1 - abarPrev) / (1 - abarT)) * betaT, 1e-20));
      x = x.map((v, i) => v + std * z[i]);
    }
    trajectory.push(x);
  }
  return trajectory;
}

/** The same model seen through the UNet adapter: VE input scaled by c_in, eps turned into x0. */
const adapted: Denoiser = async (x, sigma) => {
  const t = sigmaToTimestep(sigma);
  const eps = epsModel(Float64Array.from(x, (v) => v / Math.sqrt(sigma * sigma + 1)), t);
  return Float32Array.from(x, (v, i) => v - sigma * eps[i]);
};

function expectClose(actual: Float32Array, expected: Float64Array) {
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i], 4);
}

it('ddpm reproduces the CompVis reference\'s DDPM step by step (txt2img, 50 steps)', async () => {
  const { sigmas, timesteps } = buildSchedule({ sampler: 'ddpm', schedule: 'leading', steps: 50 });
  expect(timesteps[0]).toBe(980);
  const xT = Float64Array.from(createNoise(1).normal(32));
  const expected = compvisDdpm(xT, 50, 2);
  // VP x_t = sqrt(abar_t) * VE x_t; the final level is sigma 0, where both agree.
  const start = Float32Array.from(xT, (v) => v * Math.sqrt(1 + sigmas[0] ** 2));
  const seen: Float32Array[] = [];
  await sample({ sampler: 'ddpm', denoiser: adapted, x: start, sigmas, noise: createStepNoise(2, 32), onStep: ({ x }) => seen.push(x) });
  expect(seen).toHaveLength(50);
  seen.forEach((x, k) => {
    const toVp = 1 / Math.sqrt(1 + sigmas[k + 1] ** 2);
    expectClose(x.map((v) => v * toVp), expected[k]);
  });
});

it('ddpm reproduces the CompVis reference\'s img2img: strength 0.8 skips the first 10 of 50 timesteps', async () => {
  const { sigmas, timesteps } = buildSchedule({ sampler: 'ddpm', schedule: 'leading', steps: 50, denoise: 0.8 });
  expect(timesteps[0]).toBe(780);
  const latent = Float64Array.from(createNoise(3).normal(32));
  const n = Float64Array.from(createNoise(4).normal(32));
  const abar = ALPHAS_CUMPROD[780];
  const xT = latent.map((v, i) => Math.sqrt(abar) * v + Math.sqrt(1 - abar) * n[i]);
  const expected = compvisDdpm(xT, 50, 5, 10);
  const start = Float32Array.from(latent, (v, i) => v + sigmas[0] * n[i]);
  const out = await sample({ sampler: 'ddpm', denoiser: adapted, x: start, sigmas, noise: (i) => createStepNoise(5, 32)(10 + i) });
  expectClose(out, expected[expected.length - 1]);
});
