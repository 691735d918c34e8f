import { defineNode, output, socket } from '../runtime/index.ts';
import { conditioningParts, fromParts } from './lib/conditioning-parts.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { Conditioning } from './lib/sd-types.ts';

export default defineNode({
  type: 'ConditioningZeroOut',
  displayName: 'Conditioning (Zero Out)',
  category: 'conditioning',
  description:
    'Sets every value of each prompt\'s embedding to 0, keeping its shape, area and strength (ComfyUI\'s ConditioningZeroOut): ' +
    'a negative prompt of zeros instead of the encoded empty prompt, as some models and workflows expect.',
  inputs: {
    conditioning: socket<Conditioning>(SD_TYPES.conditioning),
  },
  outputs: {
    conditioning: output<Conditioning>(SD_TYPES.conditioning),
  },
  async execute({ conditioning }) {
    return { conditioning: fromParts(conditioningParts(conditioning).map((part) => ({ ...part, data: new Float32Array(part.data.length) }))) };
  },
});
