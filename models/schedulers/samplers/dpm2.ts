import { combine, defineSampler, K_DIFFUSION, toDerivative } from '../sampler.ts';

/**
 * DPM-Solver-2 as Karras et al. 2022 use it ("DPM2"; Lu et al. 2022): the slope taken at the
 * log-midpoint sigma carries the whole step; the last step to sigma 0 is plain Euler.
 */
export const dpm2 = defineSampler({
  name: 'dpm_2',
  label: 'DPM2',
  modelCalls: 2,
  discardPenultimateSigma: true,
  reference: `Lu et al. 2022, arXiv:2206.00927; Karras et al. 2022; ${K_DIFFUSION} sample_dpm_2`,
  create:
    ({ denoiser, sigmas }) =>
    async (i, x) => {
      const [sigma, sigmaNext] = [sigmas[i], sigmas[i + 1]];
      const denoised = await denoiser(x, sigma);
      const d = toDerivative(x, sigma, denoised);
      if (sigmaNext === 0) return { x: combine([[1, x], [-sigma, d]]), denoised };
      const sigmaMid = Math.sqrt(sigma * sigmaNext);
      const xMid = combine([[1, x], [sigmaMid - sigma, d]]);
      const dMid = toDerivative(xMid, sigmaMid, await denoiser(xMid, sigmaMid));
      return { x: combine([[1, x], [sigmaNext - sigma, dMid]]), denoised };
    },
});
