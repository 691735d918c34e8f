import { combine, defineSampler } from '../sampler.ts';

/**
 * Deterministic DDIM (Song et al. 2020, eq. 12 with eta = 0): keep the predicted noise and move
 * the clean estimate to the next level, x' = x0 + sigma' * eps. In this parameterisation it is
 * the same update as Euler's method (ComfyUI's `ddim` is its Euler sampler).
 */
export const ddim = defineSampler({
  name: 'ddim',
  label: 'DDIM',
  defaultSpacing: 'leading',
  reference: 'Song et al. 2020, arXiv:2010.02502, eq. 12 (eta 0)',
  create:
    ({ denoiser, sigmas }) =>
    async (i, x) => {
      const [sigma, sigmaNext] = [sigmas[i], sigmas[i + 1]];
      const denoised = await denoiser(x, sigma);
      return { x: combine([[1 - sigmaNext / sigma, denoised], [sigmaNext / sigma, x]]), denoised };
    },
});
