import { ancestralStep, combine, defineSampler, K_DIFFUSION } from '../sampler.ts';

/**
 * DPM-Solver++ (stochastic), k-diffusion's `sample_dpmpp_sde` with eta 1 and r = 1/2: an ancestral
 * DPM-Solver++ step to the log-midpoint s, a second estimate there, and an ancestral step to sigma'
 * with the estimates mixed (1 - 1/(2r), 1/(2r)), which for r = 1/2 is the midpoint one alone. k-diffusion draws both noises from one
 * Brownian tree over sigma; here they are two seeded draws joined the way Brownian increments
 * are: W(sigma, sigma') = W(sigma, s) + W(s, sigma'), so the second is correlated with the first
 * by sqrt((sigma - s) / (sigma - sigma')), as the tree's would be.
 */
export const dpmppSde = defineSampler({
  name: 'dpmpp_sde',
  label: 'DPM++ SDE',
  stochastic: true,
  modelCalls: 2,
  reference: `Lu et al. 2022, arXiv:2211.01095; ${K_DIFFUSION} sample_dpmpp_sde (eta 1, r 1/2)`,
  create:
    ({ denoiser, sigmas, noise }) =>
    async (i, x) => {
      const [sigma, sigmaNext] = [sigmas[i], sigmas[i + 1]];
      const denoised = await denoiser(x, sigma);
      if (sigmaNext === 0) return { x: denoised, denoised };
      const sigmaMid = Math.sqrt(sigma * sigmaNext);
      const first = noise(i, 0);
      const rest = noise(i, 1);
      const [near, far] = [Math.sqrt(sigma - sigmaMid), Math.sqrt(sigmaMid - sigmaNext)];
      const whole = combine([[near / Math.sqrt(sigma - sigmaNext), first], [far / Math.sqrt(sigma - sigmaNext), rest]]);

      const toMid = ancestralStep(sigma, sigmaMid);
      const xMid = combine([[toMid.sigmaDown / sigma, x], [1 - toMid.sigmaDown / sigma, denoised], [toMid.sigmaUp, first]]);
      const denoisedMid = await denoiser(xMid, sigmaMid);

      const toNext = ancestralStep(sigma, sigmaNext);
      return {
        x: combine([[toNext.sigmaDown / sigma, x], [1 - toNext.sigmaDown / sigma, denoisedMid], [toNext.sigmaUp, whole]]),
        denoised,
      };
    },
});
