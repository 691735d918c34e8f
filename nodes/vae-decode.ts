import { defineNode, output, socket } from '../runtime/index.ts';
import { automaticDecodeTiling, decodeLatent, DECODE_MEMORY_LIMIT } from './lib/vae-codec.ts';
import { LATENT_SCALE, SD_TYPES } from './lib/sd-types.ts';
import type { ImageBatch, Latent, VaeHandle } from './lib/sd-types.ts';
import { vaeSessionOptions } from './lib/vae-session.ts';

export default defineNode({
  type: 'VAEDecode',
  displayName: 'VAE Decode',
  category: 'latent',
  description:
    `Decodes latents into RGB images (8x the latent size): divides by ${LATENT_SCALE}, runs the VAE decoder one image at a time ` +
    `(to bound memory at large sizes), maps [-1, 1] to 0..255. An image whose decode would need more than ` +
    `${DECODE_MEMORY_LIMIT / 2 ** 20} MiB of activations (above about 300x300 pixels for SD 1.5) is decoded in overlapping ` +
    'tiles, blended across the overlap, as VAEDecodeTiled does.',
  inputs: {
    vae: socket<VaeHandle>(SD_TYPES.vae),
    latent: socket<Latent>(SD_TYPES.latent),
  },
  outputs: {
    image: output<ImageBatch>(SD_TYPES.image),
  },
  async execute({ vae, latent }, ctx) {
    const session = await ctx.env.sessions.open(vae.decoder, vaeSessionOptions(vae.backend));
    const tiling = automaticDecodeTiling(latent.shape[3] * 8, latent.shape[2] * 8);
    if (tiling) ctx.log.info(`decoding in ${tiling.tile}px tiles (overlap ${tiling.overlap}px) to bound memory`);
    const image = await decodeLatent(session, latent, tiling, ctx.signal, (done, total) => ctx.progress(done, total));
    return { image };
  },
});
