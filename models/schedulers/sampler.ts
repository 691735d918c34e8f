import type { NoiseSource } from '../noise.ts';

/**
 * D(x, sigma): the model's estimate of the clean latent x0 in k-diffusion (variance-exploding)
 * space, where x = x0 + sigma * eps. The UNet adapter (input scaling, sigma -> timestep,
 * eps -> x0) lives with the UNet, not here.
 */
export type Denoiser = (x: Float32Array, sigma: number) => Promise<Float32Array>;

export interface SamplerSetup {
  denoiser: Denoiser;
  /** Noise levels, decreasing, usually ending with 0. Step i goes from sigmas[i] to sigmas[i + 1]. */
  sigmas: Float64Array;
  /** Fresh noise for the stochastic samplers. */
  noise: NoiseSource;
}

export interface StepResult {
  /** The latent at sigmas[i + 1]. */
  x: Float32Array;
  /** The clean-latent estimate made at sigmas[i]. */
  denoised: Float32Array;
}

/** Takes one step from sigmas[i] to sigmas[i + 1]. */
export type StepFunction = (i: number, x: Float32Array) => Promise<StepResult>;

/**
 * A sampler makes the step function of one run. Multistep samplers keep their history of earlier
 * steps inside it, so a run that starts mid-schedule begins with an empty history.
 */
export type Sampler = (setup: SamplerSetup) => StepFunction;

/** Elementwise sum of scaled vectors, computed in float64: `sum of weights[k] * vectors[k]`. */
export function combine(terms: ReadonlyArray<readonly [number, Float32Array]>): Float32Array {
  const sum = new Float64Array(terms[0][1].length);
  for (const [weight, vector] of terms) {
    for (let i = 0; i < sum.length; i++) sum[i] += weight * vector[i];
  }
  return Float32Array.from(sum);
}

/** The ODE derivative dx/dsigma = (x - D(x, sigma)) / sigma (Karras et al. 2022, eq. 4 with sigma(t) = t). */
export function toDerivative(x: Float32Array, sigma: number, denoised: Float32Array): Float32Array {
  return combine([
    [1 / sigma, x],
    [-1 / sigma, denoised],
  ]);
}

/**
 * Splits the step sigma -> sigmaNext of an ancestral sampler (eta 1) into a deterministic step down
 * to sigmaDown and fresh noise of size sigmaUp, with sigmaDown^2 + sigmaUp^2 = sigmaNext^2; the
 * variance added equals the DDPM posterior variance in this parameterisation.
 */
export function ancestralStep(sigma: number, sigmaNext: number): { sigmaDown: number; sigmaUp: number } {
  if (sigmaNext === 0) return { sigmaDown: 0, sigmaUp: 0 };
  const sigmaUp = Math.min(sigmaNext, Math.sqrt((sigmaNext ** 2 * (sigma ** 2 - sigmaNext ** 2)) / sigma ** 2));
  return { sigmaDown: Math.sqrt(sigmaNext ** 2 - sigmaUp ** 2), sigmaUp };
}
