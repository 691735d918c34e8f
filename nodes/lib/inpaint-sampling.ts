import { unetChannelsUnsupported } from './errors.ts';
import type { ModelSession } from '../../runtime/backends/index.ts';
import { keepKnown, latentMaskValues, withNoiseMask } from './noise-mask.ts';
import type { Denoiser } from '../../models/schedulers/index.ts';
import type { Latent } from './sd-types.ts';

/** An SD 1.5 inpainting UNet's extra input planes: the mask (1) and the masked image's latent (4). */
const INPAINT_EXTRA_CHANNELS = 5;

/** The UNet's `sample` channel count when the model declares it (9 for an inpainting UNet, 4 otherwise). */
function sampleChannels(session: ModelSession): number | undefined {
  const dim = session.inputs.find((i) => i.name === 'sample')?.dims[1];
  return typeof dim === 'number' ? dim : undefined;
}

export interface InpaintSampling {
  /** Extra UNet input planes for an inpainting UNet, else undefined. */
  concat?: { data: Float32Array; channels: number };
  /** The denoiser with the latent's noise mask applied (unchanged without a mask). */
  wrap(denoiser: Denoiser): Denoiser;
  /** The sampled latent with the kept region set to the known latent at the last sigma. */
  finish(x: Float32Array, sigma: number): Float32Array;
}

/**
 * What UNetStep does for inpainting. A latent with a noise mask is sampled with the known region kept
 * (see withNoiseMask); `noise` is the noise that was added to the latent at the first step, or
 * undefined when none was (the known region then stays un-noised, as ComfyUI's add_noise disabled).
 * An inpainting UNet (9 input channels) also gets, per image, the mask at latent size and the
 * latent itself as the masked-image latent (VAEEncodeForInpaint blanks the masked pixels before
 * encoding); without a noise mask it gets an all-ones mask and a zero latent, which asks it to
 * paint everything.
 */
export function inpaintSampling(session: ModelSession, latent: Latent, noise: Float32Array | undefined): InpaintSampling {
  const { shape, noiseMask } = latent;
  const [batch, , h, w] = shape;
  const channels = sampleChannels(session);
  let concat: InpaintSampling['concat'];
  if (channels !== undefined && channels !== shape[1]) {
    if (channels !== shape[1] + INPAINT_EXTRA_CHANNELS) {
      throw unetChannelsUnsupported(session.modelPath, channels, shape[1], shape[1] + INPAINT_EXTRA_CHANNELS);
    }
    concat = { data: inpaintPlanes(latent, batch, h, w), channels: INPAINT_EXTRA_CHANNELS };
  }
  if (!noiseMask) return { concat, wrap: (denoiser) => denoiser, finish: (x) => x };
  const options = { mask: latentMaskValues(noiseMask, shape), known: latent.data, noise: noise ?? new Float32Array(latent.data.length) };
  return { concat, wrap: (denoiser) => withNoiseMask(denoiser, options), finish: (x, sigma) => keepKnown(x, sigma, options) };
}

function inpaintPlanes(latent: Latent, batch: number, h: number, w: number): Float32Array {
  const plane = h * w;
  const latentChannels = latent.shape[1];
  const out = new Float32Array(batch * INPAINT_EXTRA_CHANNELS * plane);
  const mask = latent.noiseMask ? latentMaskValues(latent.noiseMask, [batch, 1, h, w]) : new Float32Array(batch * plane).fill(1);
  for (let b = 0; b < batch; b++) {
    const at = b * INPAINT_EXTRA_CHANNELS * plane;
    out.set(mask.subarray(b * plane, (b + 1) * plane), at);
    if (latent.noiseMask) out.set(latent.data.subarray(b * latentChannels * plane, (b + 1) * latentChannels * plane), at + plane);
  }
  return out;
}
