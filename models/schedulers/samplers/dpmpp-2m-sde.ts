import { combine } from '../sampler.ts';
import type { Sampler } from '../sampler.ts';

/**
 * DPM-Solver++(2M) SDE (Lu et al. 2022, "DPM-Solver++", the SDE variant; eta 1, midpoint
 * correction): the exact solution of the linear part of the reverse SDE over one step in
 * lambda = -log sigma, the multistep correction from the previous clean estimate, and fresh
 * noise of size sigma' * sqrt(1 - e^(-2h)). Noise is plain seeded Gaussian, not a Brownian tree.
 */
export const dpmpp2mSde: Sampler = ({ denoiser, sigmas, noise }) => {
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
      [sigmaNext * Math.sqrt(decay), noise.normal(x.length)],
    ];
    if (last !== undefined) {
      const correction = (0.5 * decay * h) / previousH;
      terms.push([correction, denoised], [-correction, last]);
    }
    previousH = h;
    return { x: combine(terms), denoised };
  };
};
