import { choice, defineNode, int, output, socket } from '../runtime/index.ts';
import { compositeMasks, MASK_OPERATIONS } from './lib/mask.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { Mask } from './lib/sd-types.ts';

export default defineNode({
  type: 'MaskComposite',
  displayName: 'Combine Masks',
  category: 'mask',
  description:
    'Combines `source` into `destination` with its top-left corner at (x, y): multiply, add or subtract the values, ' +
    'or and/or/xor them as on/off (a value counts as on when it rounds to 1). Results are clamped to [0, 1]; ' +
    'outside the source the destination is unchanged. The result has the destination\'s size.',
  inputs: {
    destination: socket<Mask>(SD_TYPES.mask),
    source: socket<Mask>(SD_TYPES.mask),
    x: int({ default: 0, min: -8192, max: 8192, description: 'Where the source\'s left edge lands on the destination.' }),
    y: int({ default: 0, min: -8192, max: 8192, description: 'Where the source\'s top edge lands on the destination.' }),
    operation: choice({ choices: MASK_OPERATIONS, default: 'multiply', description: 'How the two values combine.' }),
  },
  outputs: {
    mask: output<Mask>(SD_TYPES.mask),
  },
  async execute({ destination, source, x, y, operation }) {
    return { mask: compositeMasks(destination, source, x, y, operation) };
  },
});
