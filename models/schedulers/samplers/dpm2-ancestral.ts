import { ancestralStep, combine, defineSampler, K_DIFFUSION, toDerivative } from '../sampler.ts';

/** DPM2 ancestral: a DPM2 step down to sigmaDown, then fresh noise of size sigmaUp (Lu et al. 2022; Karras et al. 2022). */
export const dpm2Ancestral = defineSampler({
  name: 'dpm_2_ancestral',
  label: 'DPM2 ancestral',
  stochastic: true,
  modelCalls: 2,
  discardPenultimateSigma: true,
  reference: `Lu et al. 2022, arXiv:2206.00927; ${K_DIFFUSION} sample_dpm_2_ancestral (eta 1)`,
  create:
    ({ denoiser, sigmas, noise }) =>
    async (i, x) => {
      const sigma = sigmas[i];
      const denoised = await denoiser(x, sigma);
      const { sigmaDown, sigmaUp } = ancestralStep(sigma, sigmas[i + 1]);
      const d = toDerivative(x, sigma, denoised);
      if (sigmaDown === 0) return { x: combine([[1, x], [-sigma, d]]), denoised };
      const sigmaMid = Math.sqrt(sigma * sigmaDown);
      const xMid = combine([[1, x], [sigmaMid - sigma, d]]);
      const dMid = toDerivative(xMid, sigmaMid, await denoiser(xMid, sigmaMid));
      return { x: combine([[1, x], [sigmaDown - sigma, dMid], [sigmaUp, noise(i)]]), denoised };
    },
});
