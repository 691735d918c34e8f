import { integrate } from '../gauss-legendre.ts';
import { combine, defineSampler, toDerivative } from '../sampler.ts';

const MAX_ORDER = 3;
/** The VP time of DEIS's tAB solver, fitted (as in zju-pi/diff-sampler's `edm2t`) to EDM's range 0.002..80 with eps_s 1e-3. */
const EPS_S = 1e-3;
const BETA_D = (2 * (Math.log(0.002 ** 2 + 1) / EPS_S - Math.log(80 ** 2 + 1))) / (EPS_S - 1);
const BETA_MIN = Math.log(80 ** 2 + 1) - 0.5 * BETA_D;

/** VP time t of a noise level: alpha(t) = exp(-t^2 beta_d / 2 - t beta_min) = 1 / (1 + sigma^2). */
const timeOf = (sigma: number) => (Math.sqrt(BETA_MIN ** 2 + 2 * BETA_D * Math.log1p(sigma * sigma)) - BETA_MIN) / BETA_D;

/** d sigma / d t, so that integrating a polynomial in t against it gives a coefficient of dx/dsigma. */
function sigmaRate(t: number): number {
  const alpha = Math.exp(-0.5 * t * t * BETA_D - t * BETA_MIN);
  return (0.5 * (t * BETA_D + BETA_MIN)) / Math.sqrt(alpha * (1 - alpha));
}

/**
 * The coefficients of step i: C_j = integral over [t_i, t_i+1] of the Lagrange basis polynomial
 * (in t) that is 1 at t_(i-j) and 0 at the other points, against d sigma.
 */
function coefficients(times: readonly number[], i: number, order: number): number[] {
  const points = Array.from({ length: order }, (_, k) => times[i - k]);
  return points.map((_, j) =>
    integrate(
      (t) => points.reduce((product, point, k) => (k === j ? product : (product * (t - point)) / (points[j] - point)), 1) * sigmaRate(t),
      times[i],
      times[i + 1],
    ),
  );
}

/**
 * DEIS, the time-based Adams-Bashforth exponential integrator (Zhang & Chen 2022, tAB-DEIS, order
 * 3, as zju-pi/diff-sampler's solver and ComfyUI's `deis` use it in sigma space): the ODE slope is
 * interpolated by a polynomial in VP time through the last three steps and integrated exactly
 * against d sigma (here by Gauss-Legendre quadrature, where the reference sums 10,000 points).
 * The first steps use lower orders; the step to sigma 0 returns the clean estimate.
 */
export const deis = defineSampler({
  name: 'deis',
  label: 'DEIS',
  multistep: true,
  reference: 'Zhang & Chen 2022, arXiv:2204.13902 (tAB-DEIS); zju-pi/diff-sampler gits-main/solver_utils.py (Apache-2.0)',
  create: ({ denoiser, sigmas }) => {
    const times = Array.from(sigmas, timeOf);
    const slopes: Float32Array[] = [];
    return async (i, x) => {
      const [sigma, sigmaNext] = [sigmas[i], sigmas[i + 1]];
      const denoised = await denoiser(x, sigma);
      slopes.unshift(toDerivative(x, sigma, denoised));
      slopes.length = Math.min(slopes.length, MAX_ORDER);
      if (sigmaNext === 0) return { x: denoised, denoised };
      const weights = slopes.length === 1 ? [sigmaNext - sigma] : coefficients(times, i, slopes.length);
      return { x: combine([[1, x], ...weights.map((w, k) => [w, slopes[k]] as const)]), denoised };
    };
  },
});
