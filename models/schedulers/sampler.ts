import type { StepNoise } from '../noise.ts';

/**
 * D(x, sigma): the model's estimate of the clean latent x0 in k-diffusion (variance-exploding)
 * space, where x = x0 + sigma * eps. The UNet adapter (input scaling, sigma -> timestep,
 * eps -> x0) lives with the UNet, not here.
 */
export type Denoiser = (x: Float32Array, sigma: number) => Promise<Float32Array>;

/**
 * The guided estimate together with the negative prompt's own estimate from the same model call,
 * for the CFG++ samplers (which step along the unconditional direction).
 */
export type GuidedDenoiser = (x: Float32Array, sigma: number) => Promise<{ denoised: Float32Array; unconditional: Float32Array }>;

export interface SamplerSetup {
  denoiser: Denoiser;
  /** Present when the sampler's descriptor sets `needsUnconditional`. */
  guidedDenoiser?: GuidedDenoiser;
  /** Noise levels of this run, decreasing, usually ending with 0. Step i goes from sigmas[i] to sigmas[i + 1]. */
  sigmas: Float64Array;
  /** Fresh noise for step i of this run (already keyed to the step's place in the whole schedule). */
  noise: StepNoise;
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

/** Where a schedule's `default` alias points for a sampler: ComfyUI's `normal`, or the CompVis reference's `leading`. */
export type DefaultSpacing = 'normal' | 'leading';

/** Everything the rest of the product needs to know about one sampler; each sampler file exports one. */
export interface SamplerDescriptor {
  /** ComfyUI's id (`plms` is ours). */
  name: string;
  /** What a person reads in a menu. */
  label: string;
  /** Uses earlier steps' results: a run that starts mid-schedule restarts its history. */
  multistep: boolean;
  /** Adds fresh noise during sampling (drawn per step from the seed, see models/noise.ts). */
  stochastic: boolean;
  /** UNet calls per step (the last step to sigma 0 may take fewer). */
  modelCalls: 1 | 2;
  /** The spacing the legacy `default` schedule name resolves to. */
  defaultSpacing: DefaultSpacing;
  /** ComfyUI builds steps + 1 levels and drops the next-to-last one for this sampler. */
  discardPenultimateSigma: boolean;
  /** Needs the unconditional estimate besides the guided one (CFG++). */
  needsUnconditional: boolean;
  /** The paper, and the code the maths was ported from. */
  reference: string;
  create: Sampler;
}

type DescriptorOptions = Pick<SamplerDescriptor, 'name' | 'label' | 'reference' | 'create'> &
  Partial<Omit<SamplerDescriptor, 'name' | 'label' | 'reference' | 'create'>>;

export function defineSampler(options: DescriptorOptions): SamplerDescriptor {
  return Object.freeze({
    multistep: false,
    stochastic: false,
    modelCalls: 1,
    defaultSpacing: 'normal',
    discardPenultimateSigma: false,
    needsUnconditional: false,
    ...options,
  });
}

/**
 * The k-diffusion commit whose sampling.py the k-diffusion samplers here are ported from (MIT).
 * File: https://github.com/crowsonkb/k-diffusion/blob/4601bf085320592473f681a62808ed873d17fad5/k_diffusion/sampling.py
 */
export const K_DIFFUSION = 'k-diffusion@4601bf0 k_diffusion/sampling.py';

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
 * variance added equals the DDPM posterior variance in this parameterisation (k-diffusion's
 * `get_ancestral_step`).
 */
export function ancestralStep(sigma: number, sigmaNext: number): { sigmaDown: number; sigmaUp: number } {
  if (sigmaNext === 0) return { sigmaDown: 0, sigmaUp: 0 };
  const sigmaUp = Math.min(sigmaNext, Math.sqrt((sigmaNext ** 2 * (sigma ** 2 - sigmaNext ** 2)) / sigma ** 2));
  return { sigmaDown: Math.sqrt(sigmaNext ** 2 - sigmaUp ** 2), sigmaUp };
}
