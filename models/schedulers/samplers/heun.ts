import { combine, defineSampler, K_DIFFUSION, toDerivative } from '../sampler.ts';

/**
 * Heun's second-order method (Karras et al. 2022, Algorithm 1): an Euler step, then the average of
 * the slopes at both ends; the last step to sigma 0 is plain Euler. Two model calls per step.
 */
export const heun = defineSampler({
  name: 'heun',
  label: 'Heun',
  modelCalls: 2,
  reference: `Karras et al. 2022, arXiv:2206.00364, Algorithm 1; ${K_DIFFUSION} sample_heun`,
  create:
    ({ denoiser, sigmas }) =>
    async (i, x) => {
      const [sigma, sigmaNext] = [sigmas[i], sigmas[i + 1]];
      const denoised = await denoiser(x, sigma);
      const d = toDerivative(x, sigma, denoised);
      const dt = sigmaNext - sigma;
      const eulerX = combine([[1, x], [dt, d]]);
      if (sigmaNext === 0) return { x: eulerX, denoised };
      const dNext = toDerivative(eulerX, sigmaNext, await denoiser(eulerX, sigmaNext));
      return { x: combine([[1, x], [dt / 2, d], [dt / 2, dNext]]), denoised };
    },
});
