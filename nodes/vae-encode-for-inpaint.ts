import { defineNode, int, output, socket } from '../runtime/index.ts';
import { maskBatchMismatch } from './lib/errors.ts';
import { growMask, mapMask, maskPlane, resizeMask } from './lib/mask.ts';
import { encodeImage } from './lib/vae-codec.ts';
import { checkEncodable, vaeEncoderOf } from './lib/vae-inputs.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { ImageBatch, Latent, Mask, VaeHandle } from './lib/sd-types.ts';
import { vaeSessionOptions } from './lib/vae-session.ts';

/** Masked pixels are set to mid-gray before encoding: the blank an inpainting model was trained to fill. */
const BLANK = 127.5;

export default defineNode({
  type: 'VAEEncodeForInpaint',
  displayName: 'VAE Encode (for Inpainting)',
  category: 'latent',
  description:
    'Prepares an image for inpainting: grows the mask by `grow_mask_by` pixels (so the seam is repainted too), sets the ' +
    'pixels under the grown mask to mid-gray, encodes the image, and attaches the grown mask (rounded to 0/1) as the ' +
    'latent\'s noise mask. Meant for denoise 1: the masked region is painted from scratch. With an inpainting UNet ' +
    '(9 input channels) UNetStep hands it the mask and this masked-image latent; with a plain UNet the mask alone keeps ' +
    'the rest of the image. The mask is resized to the image first.',
  inputs: {
    vae: socket<VaeHandle>(SD_TYPES.vae),
    image: socket<ImageBatch>(SD_TYPES.image),
    mask: socket<Mask>(SD_TYPES.mask),
    grow_mask_by: int({ default: 6, min: 0, max: 64, description: 'Pixels the mask grows by before it is applied.' }),
  },
  outputs: {
    latent: output<Latent>(SD_TYPES.latent, 'Latent of the masked image, with the grown mask as its noise mask'),
  },
  async execute({ vae, image, mask, grow_mask_by }, ctx) {
    const encoder = vaeEncoderOf(vae);
    checkEncodable(image);
    if (mask.batch !== 1 && mask.batch !== image.batch) {
      throw maskBatchMismatch(mask.batch, image.batch);
    }
    const grown = mapMask(growMask(resizeMask(mask, image.width, image.height), grow_mask_by, false), (v) => Math.round(v));
    const session = await ctx.env.sessions.open(encoder, vaeSessionOptions(vae.backend));
    const latent = await encodeImage(session, blankMasked(image, grown), undefined, ctx.signal);
    return { latent: { ...latent, noiseMask: grown } };
  },
});

function blankMasked(image: ImageBatch, mask: Mask): ImageBatch {
  const plane = image.width * image.height;
  const data = Uint8Array.from(image.data);
  for (let b = 0; b < image.batch; b++) {
    const m = maskPlane(mask, b);
    for (let p = 0; p < plane; p++) {
      if (m[p] > 0.5) data.fill(Math.round(BLANK), (b * plane + p) * 3, (b * plane + p) * 3 + 3);
    }
  }
  return { ...image, data };
}
