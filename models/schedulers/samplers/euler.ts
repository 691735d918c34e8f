import { combine, defineSampler, K_DIFFUSION, toDerivative } from '../sampler.ts';

/** Euler's method on the probability-flow ODE (Karras et al. 2022, "Elucidating the Design Space", Algorithm 2 without churn). */
export const euler = defineSampler({
  name: 'euler',
  label: 'Euler',
  reference: `Karras et al. 2022, arXiv:2206.00364, Algorithm 2; ${K_DIFFUSION} sample_euler`,
  create:
    ({ denoiser, sigmas }) =>
    async (i, x) => {
      const denoised = await denoiser(x, sigmas[i]);
      const d = toDerivative(x, sigmas[i], denoised);
      return { x: combine([[1, x], [sigmas[i + 1] - sigmas[i], d]]), denoised };
    },
});
