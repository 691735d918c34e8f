import { combine, defineSampler } from '../sampler.ts';

/** Adams-Bashforth weights for the newest noise estimate first, by how many earlier ones exist. */
const ADAMS_BASHFORTH: readonly (readonly number[])[] = [
  [1],
  [3 / 2, -1 / 2],
  [23 / 12, -16 / 12, 5 / 12],
  [55 / 24, -59 / 24, 37 / 24, -9 / 24],
];

/**
 * PLMS, the pseudo linear multistep method of Liu et al. 2022 ("Pseudo Numerical Methods for
 * Diffusion Models") in the form of the original latent-diffusion code: a DDIM transfer using
 * a linear multistep combination of the last four noise estimates. The first step, with no
 * history, averages the noise estimates at both ends (a second model call).
 */
export const plms = defineSampler({
  name: 'plms',
  label: 'PLMS',
  multistep: true,
  defaultSpacing: 'leading',
  reference: 'Liu et al. 2022, arXiv:2202.09778; CompVis latent-diffusion ldm/models/diffusion/plms.py',
  create: ({ denoiser, sigmas }) => {
    const history: Float32Array[] = [];
    const transfer = (x: Float32Array, eps: Float32Array, sigma: number, sigmaNext: number) =>
      combine([[1, x], [sigmaNext - sigma, eps]]);
    return async (i, x) => {
      const [sigma, sigmaNext] = [sigmas[i], sigmas[i + 1]];
      const denoised = await denoiser(x, sigma);
      const eps = combine([[1 / sigma, x], [-1 / sigma, denoised]]);
      let combined: Float32Array;
      if (history.length === 0 && sigmaNext > 0) {
        const xNext = transfer(x, eps, sigma, sigmaNext);
        const denoisedNext = await denoiser(xNext, sigmaNext);
        const epsNext = combine([[1 / sigmaNext, xNext], [-1 / sigmaNext, denoisedNext]]);
        combined = combine([[0.5, eps], [0.5, epsNext]]);
      } else {
        const weights = ADAMS_BASHFORTH[Math.min(history.length, 3)];
        const recent = [eps, ...history.slice(-3).reverse()];
        combined = combine(weights.map((w, k) => [w, recent[k]] as const));
      }
      history.push(eps);
      if (history.length > 3) history.shift();
      return { x: transfer(x, combined, sigma, sigmaNext), denoised };
    };
  },
});
