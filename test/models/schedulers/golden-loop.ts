import { buildSchedule, createNoise, createStepNoise, sample } from '../../../models/schedulers/index.ts';
import type { Denoiser, GuidedDenoiser } from '../../../models/schedulers/index.ts';

/** The fixed loop the golden numbers pin: 10 steps of the sampler's `default` spacing on a nonlinear fake denoiser. */
export const GOLDEN_STEPS = 10;
const SIZE = 64;

/** A smooth nonlinear stand-in for a model: D = 0.9 tanh(c_in x) + 0.1 sin(i); the "negative prompt" estimate is 0.7 D. */
const guided: GuidedDenoiser = async (x, sigma) => {
  const cIn = 1 / Math.sqrt(sigma * sigma + 1);
  const denoised = Float32Array.from(x, (v, i) => 0.9 * Math.tanh(cIn * v) + 0.1 * Math.sin(i));
  return { denoised, unconditional: denoised.map((v) => 0.7 * v) };
};
const denoiser: Denoiser = async (x, sigma) => (await guided(x, sigma)).denoised;

/** sum |x| and mean |x| of the loop's final latent. */
export async function goldenLoop(sampler: string): Promise<{ sum: number; mean: number }> {
  const { sigmas } = buildSchedule({ sampler, schedule: 'default', steps: GOLDEN_STEPS });
  const x = createNoise(0).normal(SIZE).map((v) => v * sigmas[0]);
  const out = await sample({ sampler, denoiser, guidedDenoiser: guided, x, sigmas, noise: createStepNoise(1, SIZE) });
  const sum = out.reduce((s, v) => s + Math.abs(v), 0);
  return { sum, mean: sum / SIZE };
}
