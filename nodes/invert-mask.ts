import { defineNode, output, socket } from '../runtime/index.ts';
import { mapMask } from './lib/mask.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { Mask } from './lib/sd-types.ts';

export default defineNode({
  type: 'InvertMask',
  displayName: 'Invert Mask',
  category: 'mask',
  description: 'Swaps the region to change and the region to keep: every value v becomes 1 - v.',
  inputs: {
    mask: socket<Mask>(SD_TYPES.mask),
  },
  outputs: {
    mask: output<Mask>(SD_TYPES.mask),
  },
  async execute({ mask }) {
    return { mask: mapMask(mask, (v) => 1 - v) };
  },
});
