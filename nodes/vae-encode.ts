import { defineNode, output, socket } from '../runtime/index.ts';
import { encodeImage } from './lib/vae-codec.ts';
import { checkEncodable, vaeEncoderOf } from './lib/vae-inputs.ts';
import { LATENT_SCALE, SD_TYPES } from './lib/sd-types.ts';
import type { ImageBatch, Latent, VaeHandle } from './lib/sd-types.ts';
import { vaeSessionOptions } from './lib/vae-session.ts';

export default defineNode({
  type: 'VAEEncode',
  displayName: 'VAE Encode',
  category: 'latent',
  description:
    `Encodes images into latents for img2img: the VAE encoder's posterior mean (no sampling, so it is deterministic) times ${LATENT_SCALE}. ` +
    'Image sides must be multiples of 8 (LoadImage already crops them).',
  inputs: {
    vae: socket<VaeHandle>(SD_TYPES.vae),
    image: socket<ImageBatch>(SD_TYPES.image),
  },
  outputs: {
    latent: output<Latent>(SD_TYPES.latent, 'Latent [B, 4, H/8, W/8]'),
  },
  async execute({ vae, image }, ctx) {
    const encoder = vaeEncoderOf(vae);
    checkEncodable(image);
    const session = await ctx.env.sessions.open(encoder, vaeSessionOptions(vae.backend));
    return { latent: await encodeImage(session, image, undefined, ctx.signal) };
  },
});
