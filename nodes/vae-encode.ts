import { defineNode, output, socket } from '../runtime/index.ts';
import { imageSizeNotMultipleOf8, vaeEncoderMissing } from './lib/errors.ts';
import { imageToTensor } from './lib/image.ts';
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
    if (!vae.encoder) {
      throw vaeEncoderMissing(vae.model);
    }
    if (image.width % 8 !== 0 || image.height % 8 !== 0) {
      throw imageSizeNotMultipleOf8(image.width, image.height);
    }
    const session = await ctx.env.sessions.open(vae.encoder, vaeSessionOptions(vae.backend));
    const sample = { type: 'float32' as const, data: imageToTensor(image), dims: [image.batch, 3, image.height, image.width] };
    const result = await session.run({ [session.inputs[0].name]: sample }, { signal: ctx.signal });
    const mean = result.latent_sample ?? result[session.outputs[0].name];
    const data = Float32Array.from(mean.data as Float32Array, (v) => v * LATENT_SCALE);
    return { latent: { data, shape: mean.dims } };
  },
});
