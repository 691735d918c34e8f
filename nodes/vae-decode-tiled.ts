import { defineNode, int, output, socket } from '../runtime/index.ts';
import { decodeLatent } from './lib/vae-codec.ts';
import { checkTiling } from './lib/vae-inputs.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { ImageBatch, Latent, VaeHandle } from './lib/sd-types.ts';
import { vaeSessionOptions } from './lib/vae-session.ts';

export default defineNode({
  type: 'VAEDecodeTiled',
  displayName: 'VAE Decode (Tiled)',
  category: 'latent',
  description:
    'Decodes latents as VAEDecode does, but in square tiles of `tile_size` pixels that overlap by `overlap` pixels; ' +
    'each tile is blended into its neighbours by a linear ramp across the overlap. Memory follows the tile size, not ' +
    'the image size, so large images decode within a small budget (the decoder\'s normalisation then sees each tile ' +
    'alone, which the overlap hides).',
  inputs: {
    vae: socket<VaeHandle>(SD_TYPES.vae),
    latent: socket<Latent>(SD_TYPES.latent),
    tile_size: int({ default: 512, min: 64, max: 4096, step: 32, description: 'Tile side in pixels.' }),
    overlap: int({ default: 64, min: 0, max: 4096, step: 8, description: 'Pixels each tile shares with its neighbours (a multiple of 8, one latent pixel).' }),
  },
  outputs: {
    image: output<ImageBatch>(SD_TYPES.image),
  },
  async execute({ vae, latent, tile_size, overlap }, ctx) {
    checkTiling(tile_size, overlap);
    const session = await ctx.env.sessions.open(vae.decoder, vaeSessionOptions(vae.backend));
    const image = await decodeLatent(session, latent, { tile: tile_size, overlap }, ctx.signal, (done, total) => ctx.progress(done, total));
    return { image };
  },
});
