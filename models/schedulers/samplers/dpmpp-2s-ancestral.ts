import { ancestralStep, combine, defineSampler, K_DIFFUSION } from '../sampler.ts';

/**
 * DPM-Solver++(2S) ancestral (Lu et al. 2022, "DPM-Solver++", the single-step second-order
 * solver): a half step in lambda = -log sigma to the midpoint, the data estimate there carries
 * the step down to sigmaDown, then fresh noise of size sigmaUp. The last step is plain Euler.
 */
export const dpmpp2sAncestral = defineSampler({
  name: 'dpmpp_2s_ancestral',
  label: 'DPM++ 2S ancestral',
  stochastic: true,
  modelCalls: 2,
  reference: `Lu et al. 2022, arXiv:2211.01095, Algorithm 1; ${K_DIFFUSION} sample_dpmpp_2s_ancestral (eta 1)`,
  create:
    ({ denoiser, sigmas, noise }) =>
    async (i, x) => {
      const sigma = sigmas[i];
      const denoised = await denoiser(x, sigma);
      const { sigmaDown, sigmaUp } = ancestralStep(sigma, sigmas[i + 1]);
      if (sigmaDown === 0) return { x: denoised, denoised };
      const sigmaMid = Math.sqrt(sigma * sigmaDown);
      const xMid = combine([[sigmaMid / sigma, x], [1 - sigmaMid / sigma, denoised]]);
      const denoisedMid = await denoiser(xMid, sigmaMid);
      return { x: combine([[sigmaDown / sigma, x], [1 - sigmaDown / sigma, denoisedMid], [sigmaUp, noise(i)]]), denoised };
    },
});
