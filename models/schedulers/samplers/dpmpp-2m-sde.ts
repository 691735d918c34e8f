import { combine, defineSampler, K_DIFFUSION } from '../sampler.ts';

/**
 * DPM-Solver++(2M) SDE (Lu et al. 2022, "DPM-Solver++", the SDE variant; eta 1, midpoint
 * correction): the exact solution of the linear part of the reverse SDE over one step in
 * lambda = -log sigma, the multistep correction from the previous clean estimate, and fresh
 * noise of size sigma' * sqrt(1 - e^(-2h)). Noise is seeded Gaussian per step, not a Brownian tree.
 */
export const dpmpp2mSde = defineSampler({
  name: 'dpmpp_2m_sde',
  label: 'DPM++ 2M SDE',
  multistep: true,
  stochastic: true,
  reference: `Lu et al. 2022, arXiv:2211.01095; ${K_DIFFUSION} sample_dpmpp_2m_sde (eta 1, midpoint)`,
  create: ({ denoiser, sigmas, noise }) => {
    let previous: Float32Array | undefined;
    let previousH = 0;
    return async (i, x) => {
      const [sigma, sigmaNext] = [sigmas[i], sigmas[i + 1]];
      const denoised = await denoiser(x, sigma);
      const last = previous;
      previous = denoised;
      if (sigmaNext === 0) return { x: denoised, denoised };
      const h = Math.log(sigma / sigmaNext);
      const decay = -Math.expm1(-2 * h);
      const terms: [number, Float32Array][] = [
        [(sigmaNext / sigma) * Math.exp(-h), x],
        [decay, denoised],
        [sigmaNext * Math.sqrt(decay), noise(i)],
      ];
      if (last !== undefined) {
        const correction = (0.5 * decay * h) / previousH;
        terms.push([correction, denoised], [-correction, last]);
      }
      previousH = h;
      return { x: combine(terms), denoised };
    };
  },
});
