import { defineNode, float, output, socket } from '../runtime/index.ts';
import { blurMask } from './lib/mask.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { Mask } from './lib/sd-types.ts';

export default defineNode({
  type: 'BlurMask',
  displayName: 'Blur Mask',
  category: 'mask',
  description:
    'Softens the mask with a Gaussian blur of standard deviation `sigma` pixels (separable, radius ceil(2.5 sigma), ' +
    'edge pixels repeated past the border), as A1111 blurs an inpainting mask by its mask_blur. A sigma of 0 leaves the mask unchanged.',
  inputs: {
    mask: socket<Mask>(SD_TYPES.mask),
    sigma: float({ default: 4, min: 0, max: 64, step: 0.1, description: 'Standard deviation of the blur in pixels (0: no blur).' }),
  },
  outputs: {
    mask: output<Mask>(SD_TYPES.mask),
  },
  async execute({ mask, sigma }) {
    return { mask: blurMask(mask, sigma) };
  },
});
