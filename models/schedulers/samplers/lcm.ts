import { combine, defineSampler } from '../sampler.ts';

/**
 * Latent Consistency Model multistep sampling (Luo et al. 2023, Algorithm 1): jump to the clean
 * estimate, then noise it afresh to the next level, x' = D + sigma' z. Meant for LCM-distilled
 * weights (or an LCM LoRA) at 2-8 steps; with an ordinary model it is a very rough sampler.
 */
export const lcm = defineSampler({
  name: 'lcm',
  label: 'LCM',
  stochastic: true,
  reference: 'Luo et al. 2023, arXiv:2310.04378, Algorithm 1 (multistep consistency sampling)',
  create:
    ({ denoiser, sigmas, noise }) =>
    async (i, x) => {
      const denoised = await denoiser(x, sigmas[i]);
      const sigmaNext = sigmas[i + 1];
      if (sigmaNext === 0) return { x: denoised, denoised };
      return { x: combine([[1, denoised], [sigmaNext, noise(i)]]), denoised };
    },
});
