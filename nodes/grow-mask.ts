import { boolean, defineNode, int, output, socket } from '../runtime/index.ts';
import { growMask } from './lib/mask.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { Mask } from './lib/sd-types.ts';

export default defineNode({
  type: 'GrowMask',
  displayName: 'Grow Mask',
  category: 'mask',
  description:
    'Grows the mask by `expand` pixels (each pixel takes the largest value around it, once per pixel of growth), ' +
    'or shrinks it for a negative `expand` (the smallest value). With tapered corners the neighbourhood is the ' +
    '4-neighbour cross, so corners grow rounded; without, the 3x3 square, so they stay square.',
  inputs: {
    mask: socket<Mask>(SD_TYPES.mask),
    expand: int({ default: 0, min: -256, max: 256, description: 'Pixels to grow (negative: shrink).' }),
    tapered_corners: boolean({ default: true, description: 'Round the corners as it grows.' }),
  },
  outputs: {
    mask: output<Mask>(SD_TYPES.mask),
  },
  async execute({ mask, expand, tapered_corners }) {
    return { mask: growMask(mask, expand, tapered_corners) };
  },
});
