import { choice, defineNode, float, output, socket } from '../runtime/index.ts';
import { LATENT_SCALE_METHODS } from './lib/resample.ts';
import { scaleLatent } from './lib/scale.ts';
import { scaledSize } from './lib/scale-size.ts';
import { MAX_IMAGE_SIDE } from './empty-latent.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { Latent } from './lib/sd-types.ts';

export default defineNode({
  type: 'LatentUpscaleBy',
  displayName: 'Upscale Latent By',
  category: 'latent',
  description:
    `Resizes a latent by \`scale_by\` (each side rounded to whole latent cells, at most ${MAX_IMAGE_SIDE / 8}), with the ` +
    'methods of LatentUpscale: 2 then a second UNetStep at denoise about 0.5 is the usual hires fix.',
  inputs: {
    latent: socket<Latent>(SD_TYPES.latent),
    upscale_method: choice({ choices: LATENT_SCALE_METHODS, default: 'nearest-exact', description: 'Interpolation.' }),
    scale_by: float({ default: 1.5, min: 0.01, max: 8, step: 0.01, description: 'Factor for both sides.' }),
  },
  outputs: {
    latent: output<Latent>(SD_TYPES.latent),
  },
  async execute({ latent, upscale_method, scale_by }) {
    const [, , h, w] = latent.shape;
    const size = scaledSize(w, h, scale_by, 1, MAX_IMAGE_SIDE / 8);
    return { latent: scaleLatent(latent, size.width, size.height, upscale_method, 'disabled') };
  },
});
