import { combine, defineSampler, toDerivative } from '../sampler.ts';

/** Adams-Bashforth weights for the newest slope first, by how many earlier ones exist. */
const ADAMS_BASHFORTH: readonly (readonly number[])[] = [
  [1],
  [3 / 2, -1 / 2],
  [23 / 12, -16 / 12, 5 / 12],
  [55 / 24, -59 / 24, 37 / 24, -9 / 24],
];

/**
 * Improved PNDM (Zhang & Chen 2022, "Fast Sampling of Diffusion Models with Exponential
 * Integrator", Appendix; as zju-pi/diff-sampler and ComfyUI's `ipndm`): Adams-Bashforth in sigma
 * on the ODE slopes with the fixed (evenly spaced) coefficients of orders 1 to 4, warming up with
 * lower orders instead of PNDM's Runge-Kutta steps. The step to sigma 0 returns the clean estimate.
 */
export const ipndm = defineSampler({
  name: 'ipndm',
  label: 'iPNDM',
  multistep: true,
  reference: 'Zhang & Chen 2022, arXiv:2204.13902; zju-pi/diff-sampler diff-solvers-main/solvers.py (Apache-2.0)',
  create: ({ denoiser, sigmas }) => {
    const slopes: Float32Array[] = [];
    return async (i, x) => {
      const [sigma, sigmaNext] = [sigmas[i], sigmas[i + 1]];
      const denoised = await denoiser(x, sigma);
      slopes.unshift(toDerivative(x, sigma, denoised));
      slopes.length = Math.min(slopes.length, ADAMS_BASHFORTH.length);
      if (sigmaNext === 0) return { x: denoised, denoised };
      const weights = ADAMS_BASHFORTH[slopes.length - 1];
      return { x: combine([[1, x], ...weights.map((w, k) => [(sigmaNext - sigma) * w, slopes[k]] as const)]), denoised };
    };
  },
});
