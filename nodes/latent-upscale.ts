import { choice, defineNode, int, output, socket } from '../runtime/index.ts';
import { LATENT_SCALE_METHODS } from './lib/resample.ts';
import { CROP_MODES, scaleLatent } from './lib/scale.ts';
import { targetSize } from './lib/scale-size.ts';
import { MAX_IMAGE_SIDE } from './empty-latent.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { Latent } from './lib/sd-types.ts';

const side = (name: string) =>
  int({ default: 512, min: 0, max: MAX_IMAGE_SIDE, step: 8, description: `Image ${name} in pixels (the latent is 1/8); 0 keeps the aspect ratio.` });

export default defineNode({
  type: 'LatentUpscale',
  displayName: 'Upscale Latent',
  category: 'latent',
  description:
    'Resizes a latent to the latent of a `width` x `height` image, the first half of a hires fix (then a second UNetStep ' +
    'at denoise below 1 adds the detail). nearest-exact, bilinear, bicubic and area as PyTorch\'s interpolate; bislerp ' +
    'interpolates each latent cell\'s channel vector spherically, which keeps its length (the noise statistics) better. ' +
    '`center` crops to the new aspect ratio first. A noise mask stays attached.',
  inputs: {
    latent: socket<Latent>(SD_TYPES.latent),
    upscale_method: choice({ choices: LATENT_SCALE_METHODS, default: 'nearest-exact', description: 'Interpolation.' }),
    width: side('width'),
    height: side('height'),
    crop: choice({ choices: CROP_MODES, default: 'disabled', description: 'Crop to the new aspect ratio before resizing.' }),
  },
  outputs: {
    latent: output<Latent>(SD_TYPES.latent),
  },
  async execute({ latent, upscale_method, width, height, crop }) {
    const [, , h, w] = latent.shape;
    const size = targetSize(width, height, w * 8, h * 8, 8);
    const cells = (pixels: number) => Math.max(1, Math.round(pixels / 8));
    return { latent: scaleLatent(latent, cells(size.width), cells(size.height), upscale_method, crop) };
  },
});
