import { combine, defineSampler, K_DIFFUSION } from '../sampler.ts';

/**
 * DPM-Solver++(3M) SDE (Lu et al. 2022, "DPM-Solver++", third-order multistep, SDE variant with
 * eta 1): the exact linear part over one step h in lambda = -log sigma (decay e^(-2h)), plus the
 * first and second divided differences of the last three clean estimates weighted by
 * phi_2 = (e^(-2h) - 1) / 2h + 1 and phi_3 = phi_2 / 2h - 1/2, and fresh noise of size
 * sigma' * sqrt(1 - e^(-2h)). The first steps use the history there is; the step to sigma 0
 * returns the clean estimate. Noise is seeded Gaussian per step, not a Brownian tree.
 */
export const dpmpp3mSde = defineSampler({
  name: 'dpmpp_3m_sde',
  label: 'DPM++ 3M SDE',
  multistep: true,
  stochastic: true,
  reference: `Lu et al. 2022, arXiv:2211.01095; ${K_DIFFUSION} sample_dpmpp_3m_sde (eta 1)`,
  create: ({ denoiser, sigmas, noise }) => {
    /** Newest first: the last two clean estimates and the step sizes that followed them. */
    const estimates: Float32Array[] = [];
    const sizes: number[] = [];
    return async (i, x) => {
      const [sigma, sigmaNext] = [sigmas[i], sigmas[i + 1]];
      const denoised = await denoiser(x, sigma);
      if (sigmaNext === 0) return { x: denoised, denoised };
      const h = Math.log(sigma / sigmaNext);
      const hEta = 2 * h;
      const phi2 = Math.expm1(-hEta) / hEta + 1;
      const terms: [number, Float32Array][] = [
        [Math.exp(-hEta), x],
        [-Math.expm1(-hEta), denoised],
        [sigmaNext * Math.sqrt(-Math.expm1(-hEta)), noise(i)],
      ];
      if (estimates.length === 2) {
        const [r0, r1] = [sizes[0] / h, sizes[1] / h];
        const d10 = combine([[1 / r0, denoised], [-1 / r0, estimates[0]]]);
        const d11 = combine([[1 / r1, estimates[0]], [-1 / r1, estimates[1]]]);
        const phi3 = phi2 / hEta - 0.5;
        // phi_2 * (d1_0 + (d1_0 - d1_1) r0 / (r0 + r1)) - phi_3 * (d1_0 - d1_1) / (r0 + r1)
        const weight = (phi2 * r0 - phi3) / (r0 + r1);
        terms.push([phi2 + weight, d10], [-weight, d11]);
      } else if (estimates.length === 1) {
        const r = sizes[0] / h;
        terms.push([phi2 / r, denoised], [-phi2 / r, estimates[0]]);
      }
      estimates.unshift(denoised);
      sizes.unshift(h);
      estimates.length = Math.min(estimates.length, 2);
      sizes.length = Math.min(sizes.length, 2);
      return { x: combine(terms), denoised };
    };
  },
});
