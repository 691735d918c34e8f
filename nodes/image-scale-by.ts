import { choice, defineNode, float, output, socket } from '../runtime/index.ts';
import { IMAGE_SCALE_METHODS } from './lib/resample.ts';
import { scaleImage } from './lib/scale.ts';
import { scaledSize } from './lib/scale-size.ts';
import { MAX_IMAGE_SIDE } from './empty-latent.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { ImageBatch } from './lib/sd-types.ts';

export default defineNode({
  type: 'ImageScaleBy',
  displayName: 'Upscale Image By',
  category: 'image',
  description: `Resizes images by \`scale_by\` (sides rounded to whole pixels, at most ${MAX_IMAGE_SIDE * 4}) with the methods of ImageScale.`,
  inputs: {
    image: socket<ImageBatch>(SD_TYPES.image),
    upscale_method: choice({ choices: IMAGE_SCALE_METHODS, default: 'nearest-exact', description: 'Interpolation.' }),
    scale_by: float({ default: 1, min: 0.01, max: 8, step: 0.01, description: 'Factor for both sides.' }),
  },
  outputs: {
    image: output<ImageBatch>(SD_TYPES.image),
  },
  async execute({ image, upscale_method, scale_by }) {
    const size = scaledSize(image.width, image.height, scale_by, 1, MAX_IMAGE_SIDE * 4);
    return { image: scaleImage(image, size.width, size.height, upscale_method, 'disabled') };
  },
});
