import type { Denoiser } from '../../models/schedulers/index.ts';
import { maskPlane, resizeMask } from './mask.ts';
import type { Mask } from './mask.ts';

/** A latent's noise mask at latent resolution, one value per latent value (repeated over channels). */
export function latentMaskValues(mask: Mask, shape: readonly number[]): Float32Array {
  const [batch, channels, h, w] = shape;
  const small = resizeMask(mask, w, h);
  const out = new Float32Array(batch * channels * h * w);
  for (let b = 0; b < batch; b++) {
    const plane = maskPlane(small, b);
    for (let c = 0; c < channels; c++) out.set(plane, (b * channels + c) * h * w);
  }
  return out;
}

export interface NoiseMaskOptions {
  /** Per latent value: 1 = the sampler may change it, 0 = keep the known latent, between = a blend. */
  mask: Float32Array;
  /** The latent that the kept region keeps. */
  known: Float32Array;
  /** The noise the kept region carries: at sigma it is `known + sigma * noise` (zeros when none was added). */
  noise: Float32Array;
}

/** The known latent at noise level sigma blended in where the mask keeps it. */
export function keepKnown(x: Float32Array, sigma: number, { mask, known, noise }: NoiseMaskOptions): Float32Array {
  return Float32Array.from(x, (v, i) => v * mask[i] + (known[i] + sigma * noise[i]) * (1 - mask[i]));
}

/**
 * Masked sampling (ComfyUI's and A1111's inpainting with any model): before every model call the
 * kept region of x is replaced by the known latent re-noised to that call's level, and the model's
 * clean estimate there is replaced by the known latent. A sampler therefore moves the kept region
 * along known + sigma * noise, so it ends at the known latent when the schedule reaches sigma 0,
 * while the masked region is denoised in its context.
 */
export function withNoiseMask(denoiser: Denoiser, options: NoiseMaskOptions): Denoiser {
  const { mask, known } = options;
  return async (x, sigma) => {
    const denoised = await denoiser(keepKnown(x, sigma, options), sigma);
    return Float32Array.from(denoised, (v, i) => v * mask[i] + known[i] * (1 - mask[i]));
  };
}
