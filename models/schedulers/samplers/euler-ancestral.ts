import { ancestralStep, combine, defineSampler, K_DIFFUSION, toDerivative } from '../sampler.ts';

/**
 * Euler ancestral: an Euler step down to sigmaDown, then fresh noise of size sigmaUp
 * (the ancestral sampling of Ho et al. 2020 in the ODE form of Karras et al. 2022).
 */
export const eulerAncestral = defineSampler({
  name: 'euler_ancestral',
  label: 'Euler ancestral',
  stochastic: true,
  reference: `Ho et al. 2020 in the form of Karras et al. 2022; ${K_DIFFUSION} sample_euler_ancestral (eta 1)`,
  create:
    ({ denoiser, sigmas, noise }) =>
    async (i, x) => {
      const sigma = sigmas[i];
      const denoised = await denoiser(x, sigma);
      const { sigmaDown, sigmaUp } = ancestralStep(sigma, sigmas[i + 1]);
      const d = toDerivative(x, sigma, denoised);
      const stepped = combine([[1, x], [sigmaDown - sigma, d]]);
      if (sigmaUp === 0) return { x: stepped, denoised };
      return { x: combine([[1, stepped], [sigmaUp, noise(i)]]), denoised };
    },
});
