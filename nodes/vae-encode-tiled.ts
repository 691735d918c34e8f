import { defineNode, int, output, socket } from '../runtime/index.ts';
import { encodeImage } from './lib/vae-codec.ts';
import { checkEncodable, checkTiling, vaeEncoderOf } from './lib/vae-inputs.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { ImageBatch, Latent, VaeHandle } from './lib/sd-types.ts';
import { vaeSessionOptions } from './lib/vae-session.ts';

export default defineNode({
  type: 'VAEEncodeTiled',
  displayName: 'VAE Encode (Tiled)',
  category: 'latent',
  description:
    'Encodes images as VAEEncode does, but in square tiles of `tile_size` pixels overlapping by `overlap` pixels, ' +
    'blended in latent space across the overlap, so memory follows the tile size rather than the image size.',
  inputs: {
    vae: socket<VaeHandle>(SD_TYPES.vae),
    image: socket<ImageBatch>(SD_TYPES.image),
    tile_size: int({ default: 512, min: 64, max: 4096, step: 64, description: 'Tile side in pixels.' }),
    overlap: int({ default: 64, min: 0, max: 4096, step: 32, description: 'Pixels each tile shares with its neighbours (a multiple of 8).' }),
  },
  outputs: {
    latent: output<Latent>(SD_TYPES.latent, 'Latent [B, 4, H/8, W/8]'),
  },
  async execute({ vae, image, tile_size, overlap }, ctx) {
    const encoder = vaeEncoderOf(vae);
    checkEncodable(image);
    checkTiling(tile_size, overlap);
    const session = await ctx.env.sessions.open(encoder, vaeSessionOptions(vae.backend));
    const latent = await encodeImage(session, image, { tile: tile_size, overlap: Math.floor(overlap / 8) * 8 }, ctx.signal, (d, t) => ctx.progress(d, t));
    return { latent };
  },
});
