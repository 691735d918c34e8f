import { choice, defineNode, int, output, socket } from '../runtime/index.ts';
import { IMAGE_SCALE_METHODS } from './lib/resample.ts';
import { CROP_MODES, scaleImage } from './lib/scale.ts';
import { targetSize } from './lib/scale-size.ts';
import { MAX_IMAGE_SIDE } from './empty-latent.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { ImageBatch } from './lib/sd-types.ts';

const side = (name: string) => int({ default: 512, min: 0, max: MAX_IMAGE_SIDE * 4, description: `New ${name} in pixels; 0 keeps the aspect ratio.` });

export default defineNode({
  type: 'ImageScale',
  displayName: 'Upscale Image',
  category: 'image',
  description:
    'Resizes images to `width` x `height`: nearest-exact, bilinear, bicubic and area as PyTorch\'s interpolate, lanczos ' +
    '(Lanczos-3, widened when shrinking, as PIL\'s) for the sharpest enlargement. `center` crops to the new aspect ratio first.',
  inputs: {
    image: socket<ImageBatch>(SD_TYPES.image),
    upscale_method: choice({ choices: IMAGE_SCALE_METHODS, default: 'nearest-exact', description: 'Interpolation.' }),
    width: side('width'),
    height: side('height'),
    crop: choice({ choices: CROP_MODES, default: 'disabled', description: 'Crop to the new aspect ratio before resizing.' }),
  },
  outputs: {
    image: output<ImageBatch>(SD_TYPES.image),
  },
  async execute({ image, upscale_method, width, height, crop }) {
    const size = targetSize(width, height, image.width, image.height, 1);
    return { image: scaleImage(image, size.width, size.height, upscale_method, crop) };
  },
});
