import { combine, defineSampler, toDerivative } from '../sampler.ts';

/**
 * Euler with CFG++ (Chung et al. 2024, "CFG++: Manifold-constrained Classifier Free Guidance"):
 * the guided clean estimate is renoised with the unconditional prediction's noise,
 * x' = D_guided + sigma' (x - D_uncond) / sigma, which keeps the sample on the data manifold at
 * guidance scales where plain CFG overshoots. Needs the unconditional estimate, so the negative
 * prompt runs even at cfg 1.
 */
export const eulerCfgPp = defineSampler({
  name: 'euler_cfg_pp',
  label: 'Euler CFG++',
  needsUnconditional: true,
  reference: 'Chung et al. 2024, arXiv:2406.08070, Algorithm 1 (DDIM/Euler form with lambda = cfg)',
  create: ({ sigmas, guidedDenoiser }) => {
    if (!guidedDenoiser) throw new TypeError('euler_cfg_pp needs a guided denoiser');
    return async (i, x) => {
      const [sigma, sigmaNext] = [sigmas[i], sigmas[i + 1]];
      const { denoised, unconditional } = await guidedDenoiser(x, sigma);
      const d = toDerivative(x, sigma, unconditional);
      return { x: combine([[1, denoised], [sigmaNext, d]]), denoised };
    };
  },
});
