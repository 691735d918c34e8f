import { samplingCancelled, sigmasInvalid, stepsOutsideSchedule, unknownSampler } from '../errors.ts';
import type { NoiseSource } from '../noise.ts';
import type { Denoiser } from './sampler.ts';
import { isSamplerName, SAMPLER_FUNCTIONS, SAMPLERS } from './samplers/index.ts';

export interface StepInfo {
  /** Index of the step just taken: it went from sigmas[i] to sigmas[i + 1]. */
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
  /** The latent at sigmas[startStep] (see `prepareInitial` for the first step). */
  x: Float32Array;
  sigmas: Float64Array;
  noise: NoiseSource;
  /** First step to take; default 0. */
  startStep?: number;
  /** Step to stop before; default sigmas.length - 1 (all steps). */
  endStep?: number;
  onStep?: (step: StepInfo) => void;
  /** Checked before every step; aborting throws a `sampling_cancelled` error. */
  signal?: AbortSignal;
}

/**
 * Runs steps [startStep, endStep) of a schedule. Two runs [0, k) and [k, n) equal one run [0, n)
 * for the single-step samplers (given the same noise stream); the multistep ones (lms, dpmpp_2m,
 * dpmpp_2m_sde, plms) start the second run without history, so its first steps are lower order
 * (plms also repeats its two-call warm-up step).
 */
export async function sample(options: SampleOptions): Promise<Float32Array> {
  const { sampler, denoiser, sigmas, noise, onStep, signal } = options;
  if (!isSamplerName(sampler)) {
    throw unknownSampler(sampler, SAMPLERS);
  }
  const steps = sigmas.length - 1;
  const start = options.startStep ?? 0;
  const end = options.endStep ?? steps;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > steps || start > end) {
    throw stepsOutsideSchedule(start, end, steps);
  }
  if (!sigmas.every((sigma, i) => sigma >= 0 && Number.isFinite(sigma) && (i === 0 || sigma <= sigmas[i - 1]))) {
    throw sigmasInvalid(sigmas);
  }
  const step = SAMPLER_FUNCTIONS[sampler]({ denoiser, sigmas, noise });
  let x = options.x;
  for (let i = start; i < end; i++) {
    if (signal?.aborted) throw samplingCancelled(signal.reason);
    const result = await step(i, x);
    x = result.x;
    onStep?.({ i, x, sigma: sigmas[i], denoised: result.denoised });
  }
  return x;
}

/**
 * The latent a schedule starts from: `latent + sigma * noise` with sigma = sigmas[0]. For an empty
 * (zero) latent that is pure noise of the first level (txt2img); for an encoded image it is the
 * seed's img2img rule sqrt(abar) * latent + sqrt(1 - abar) * noise, rescaled to x = x0 + sigma * eps.
 */
export function prepareInitial(latent: Float32Array, sigma: number, noise: NoiseSource): Float32Array {
  const fresh = noise.normal(latent.length);
  return Float32Array.from(latent, (value, i) => value + sigma * fresh[i]);
}
