import { combine, defineSampler, K_DIFFUSION } from '../sampler.ts';

/**
 * DPM-Solver++(2M) (Lu et al. 2022, "DPM-Solver++", Algorithm 2) in lambda = -log sigma: a
 * first-order data-prediction step corrected with the previous clean estimate, weighted by the
 * ratio of the last two step sizes. The first step and the step to sigma 0 are first order.
 */
export const dpmpp2m = defineSampler({
  name: 'dpmpp_2m',
  label: 'DPM++ 2M',
  multistep: true,
  reference: `Lu et al. 2022, arXiv:2211.01095, Algorithm 2; ${K_DIFFUSION} sample_dpmpp_2m`,
  create: ({ denoiser, sigmas }) => {
    let previous: Float32Array | undefined;
    return async (i, x) => {
      const [sigma, sigmaNext] = [sigmas[i], sigmas[i + 1]];
      const denoised = await denoiser(x, sigma);
      const last = previous;
      previous = denoised;
      if (sigmaNext === 0) return { x: denoised, denoised };
      const h = Math.log(sigma / sigmaNext);
      const decay = -Math.expm1(-h);
      if (last === undefined) return { x: combine([[sigmaNext / sigma, x], [decay, denoised]]), denoised };
      const r = Math.log(sigmas[i - 1] / sigma) / h;
      const estimate = combine([[1 + 1 / (2 * r), denoised], [-1 / (2 * r), last]]);
      return { x: combine([[sigmaNext / sigma, x], [decay, estimate]]), denoised };
    };
  },
});
