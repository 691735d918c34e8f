import { defineNode, int, LatentflowError, output } from '../runtime/index.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { Latent } from './lib/sd-types.ts';

/**
 * Largest image side. SD 1.5 was trained at 512; 2048 (a 256x256 latent) is where one UNet step
 * already needs many GB for the attention of its first level.
 */
export const MAX_IMAGE_SIDE = 2048;

export default defineNode({
  type: 'EmptyLatent',
  displayName: 'Empty Latent',
  category: 'latent',
  description:
    `An all-zero latent for txt2img, [batch_size, 4, height/8, width/8]. Width and height are multiples of 8, from 64 to ${MAX_IMAGE_SIDE}; ` +
    'SD 1.5 works best at 512x512.',
  inputs: {
    width: int({ default: 512, min: 64, max: MAX_IMAGE_SIDE, step: 8, description: 'Image width in pixels (multiple of 8).' }),
    height: int({ default: 512, min: 64, max: MAX_IMAGE_SIDE, step: 8, description: 'Image height in pixels (multiple of 8).' }),
    batch_size: int({ default: 1, min: 1, max: 16, description: 'Images generated at once.' }),
  },
  outputs: {
    latent: output<Latent>(SD_TYPES.latent),
  },
  async execute({ width, height, batch_size }) {
    for (const [name, value] of [['width', width], ['height', height]] as const) {
      if (value % 8 !== 0) throw new LatentflowError('invalid_value', `${name} must be a multiple of 8, got ${value}`, { input: name });
    }
    const shape = [batch_size, 4, height / 8, width / 8];
    return { latent: { data: new Float32Array(shape.reduce((a, b) => a * b, 1)), shape } };
  },
});
