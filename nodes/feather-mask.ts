import { defineNode, int, output, socket } from '../runtime/index.ts';
import { featherMaskEdges } from './lib/mask.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { Mask } from './lib/sd-types.ts';

const side = (name: string) => int({ default: 0, min: 0, max: 2048, description: `Pixels from the ${name} edge over which the mask fades to 0.` });

export default defineNode({
  type: 'FeatherMask',
  displayName: 'Feather Mask',
  category: 'mask',
  description:
    'Fades the mask out towards the image edges, as ComfyUI\'s FeatherMask: within `left` pixels of the left edge a value ' +
    'is multiplied by (distance + 1) / left, and likewise for the other sides.',
  inputs: {
    mask: socket<Mask>(SD_TYPES.mask),
    left: side('left'),
    top: side('top'),
    right: side('right'),
    bottom: side('bottom'),
  },
  outputs: {
    mask: output<Mask>(SD_TYPES.mask),
  },
  async execute({ mask, ...sides }) {
    return { mask: featherMaskEdges(mask, sides) };
  },
});
