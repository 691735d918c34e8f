import { combine, defineSampler } from '../sampler.ts';

/**
 * DDPM ancestral sampling (Ho et al. 2020, Algorithm 2) as the CompVis reference does it,
 * rewritten for x = x0 + sigma * eps. With abar = 1 / (1 + sigma^2), its posterior
 *   mean = sqrt(abar') beta / (1 - abar) x0 + sqrt(alpha) (1 - abar') / (1 - abar) x_vp,
 *   var  = max((1 - abar') / (1 - abar) beta, 1e-20)
 * (alpha = abar / abar', beta = 1 - alpha) becomes, after dividing by sqrt(abar'),
 *   x' = (1 - s'^2/s^2) x0 + (s'^2/s^2) x + sqrt(var (1 + s'^2)) z,
 * with no noise on the step that ends at sigma 0.
 */
export const ddpm = defineSampler({
  name: 'ddpm',
  label: 'DDPM',
  stochastic: true,
  defaultSpacing: 'leading',
  reference: 'Ho et al. 2020, arXiv:2006.11239, Algorithm 2',
  create:
    ({ denoiser, sigmas, noise }) =>
    async (i, x) => {
      const [sigma, sigmaNext] = [sigmas[i], sigmas[i + 1]];
      const denoised = await denoiser(x, sigma);
      const ratio = sigmaNext ** 2 / sigma ** 2;
      const mean = combine([[1 - ratio, denoised], [ratio, x]]);
      if (sigmaNext === 0) return { x: mean, denoised };
      const abar = 1 / (1 + sigma ** 2);
      const abarNext = 1 / (1 + sigmaNext ** 2);
      const beta = 1 - abar / abarNext;
      const variance = Math.max(((1 - abarNext) / (1 - abar)) * beta, 1e-20);
      return { x: combine([[1, mean], [Math.sqrt(variance / abarNext), noise(i)]]), denoised };
    },
});
