import { defineNode, float, output, socket } from '../runtime/index.ts';
import { mapMask } from './lib/mask.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { Mask } from './lib/sd-types.ts';

export default defineNode({
  type: 'ThresholdMask',
  displayName: 'Threshold Mask',
  category: 'mask',
  description: 'Makes a soft mask hard: values above `value` become 1, the rest 0.',
  inputs: {
    mask: socket<Mask>(SD_TYPES.mask),
    value: float({ default: 0.5, min: 0, max: 1, step: 0.01, description: 'Values above this become 1.' }),
  },
  outputs: {
    mask: output<Mask>(SD_TYPES.mask),
  },
  async execute({ mask, value }) {
    return { mask: mapMask(mask, (v) => (v > value ? 1 : 0)) };
  },
});
