import { samplerNeedsUnconditional, samplingCancelled, sigmasInvalid, stepsOutsideSchedule, unknownSampler } from '../errors.ts';
import type { NoiseSource, StepNoise } from '../noise.ts';
import type { Denoiser, GuidedDenoiser } from './sampler.ts';
import { findSampler, SAMPLERS } from './samplers/index.ts';

export interface StepInfo {
  /** Index of the step just taken in the whole schedule: it went from sigmas[i] to sigmas[i + 1]. */
  i: number;
  /** The latent after the step. */
  x: Float32Array;
  /** sigmas[i]. */
  sigma: number;
  /** The clean-latent estimate made at sigmas[i] (what previews show). */
  denoised: Float32Array;
}

export interface SampleOptions {
  sampler: string;
  denoiser: Denoiser;
  /** Required by the samplers whose descriptor sets `needsUnconditional` (CFG++). */
  guidedDenoiser?: GuidedDenoiser;
  /** The latent at sigmas[startStep] (see `prepareInitial` for the first step). */
  x: Float32Array;
  sigmas: Float64Array;
  /** Fresh noise keyed by the step's index in `sigmas` (see `createStepNoise`). */
  noise: StepNoise;
  /** First step to take; default 0. */
  startStep?: number;
  /** Step to stop before; default sigmas.length - 1 (all steps). */
  endStep?: number;
  onStep?: (step: StepInfo) => void;
  /** Checked before every step; aborting throws a `sampling_cancelled` error. */
  signal?: AbortSignal;
}

/**
 * Runs steps [startStep, endStep) of a schedule: the sampler sees sigmas[startStep..endStep] as
 * its whole run (as ComfyUI's KSamplerAdvanced slices them) and draws the noise of step i from
 * `noise(i)`. Two runs [0, k) and [k, n) therefore equal one run [0, n) for every single-step
 * sampler, stochastic or not; the multistep ones start the second run without history, so its
 * first steps are lower order (plms also repeats its two-call warm-up step).
 */
export async function sample(options: SampleOptions): Promise<Float32Array> {
  const { sampler, denoiser, guidedDenoiser, sigmas, noise, onStep, signal } = options;
  const descriptor = findSampler(sampler);
  if (!descriptor) throw unknownSampler(sampler, SAMPLERS);
  if (descriptor.needsUnconditional && !guidedDenoiser) throw samplerNeedsUnconditional(sampler);
  const steps = sigmas.length - 1;
  const start = options.startStep ?? 0;
  const end = options.endStep ?? steps;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > steps || start > end) {
    throw stepsOutsideSchedule(start, end, steps);
  }
  if (!sigmas.every((sigma, i) => sigma >= 0 && Number.isFinite(sigma) && (i === 0 || sigma <= sigmas[i - 1]))) {
    throw sigmasInvalid(sigmas);
  }
  const step = descriptor.create({
    denoiser,
    guidedDenoiser,
    sigmas: sigmas.slice(start, end + 1),
    noise: (i, draw) => noise(start + i, draw),
  });
  let x = options.x;
  for (let i = start; i < end; i++) {
    if (signal?.aborted) throw samplingCancelled(signal.reason);
    const result = await step(i - start, x);
    x = result.x;
    onStep?.({ i, x, sigma: sigmas[i], denoised: result.denoised });
  }
  return x;
}

/**
 * The latent a schedule starts from: `latent + sigma * noise`. For an empty (zero) latent at the
 * first level that is pure noise (txt2img); for an encoded image it is the CompVis reference's img2img rule
 * sqrt(abar) * latent + sqrt(1 - abar) * noise, rescaled to x = x0 + sigma * eps. The noise is
 * the seed's initial stream, the same whichever step the run starts at.
 */
export function prepareInitial(latent: Float32Array, sigma: number, noise: NoiseSource): Float32Array {
  const fresh = noise.normal(latent.length);
  return Float32Array.from(latent, (value, i) => value + sigma * fresh[i]);
}
