import { combine, defineSampler, K_DIFFUSION, toDerivative } from '../sampler.ts';

const ORDER = 4;
/** 3-point Gauss-Legendre rule on [-1, 1]: exact for the cubic Lagrange polynomials of order 4. */
const GAUSS_NODES = [-Math.sqrt(3 / 5), 0, Math.sqrt(3 / 5)];
const GAUSS_WEIGHTS = [5 / 9, 8 / 9, 5 / 9];

/**
 * The integral over [sigmas[i], sigmas[i + 1]] of the Lagrange basis polynomial that is 1 at
 * sigmas[i - j] and 0 at the other `order` - 1 points sigmas[i], sigmas[i - 1], ...
 */
function coefficient(sigmas: Float64Array, i: number, j: number, order: number): number {
  const basis = (tau: number) => {
    let product = 1;
    for (let k = 0; k < order; k++) {
      if (k !== j) product *= (tau - sigmas[i - k]) / (sigmas[i - j] - sigmas[i - k]);
    }
    return product;
  };
  const [a, b] = [sigmas[i], sigmas[i + 1]];
  const half = (b - a) / 2;
  return GAUSS_NODES.reduce((sum, node, n) => sum + GAUSS_WEIGHTS[n] * basis(a + half * (node + 1)), 0) * half;
}

/**
 * Linear multistep (Adams-Bashforth in sigma, order 4) over the ODE slopes, with coefficients
 * integrated for the uneven sigma spacing, as in k-diffusion's `sample_lms`
 * (Karras et al. 2022 formulation of the probability-flow ODE).
 */
export const lms = defineSampler({
  name: 'lms',
  label: 'LMS',
  multistep: true,
  reference: `Karras et al. 2022 (probability-flow ODE); ${K_DIFFUSION} sample_lms, linear_multistep_coeff`,
  create: ({ denoiser, sigmas }) => {
    const slopes: Float32Array[] = [];
    return async (i, x) => {
      const denoised = await denoiser(x, sigmas[i]);
      slopes.unshift(toDerivative(x, sigmas[i], denoised));
      if (slopes.length > ORDER) slopes.pop();
      const order = slopes.length;
      const terms = slopes.map((slope, j) => [coefficient(sigmas, i, j, order), slope] as const);
      return { x: combine([[1, x], ...terms]), denoised };
    };
  },
});
