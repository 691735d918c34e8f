import { defineNode, output, socket } from '../runtime/index.ts';
import { conditioningParts, fromParts } from './lib/conditioning-parts.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { Conditioning } from './lib/sd-types.ts';

export default defineNode({
  type: 'ConditioningCombine',
  displayName: 'Conditioning (Combine)',
  category: 'conditioning',
  description:
    'Joins two conditionings into one list of prompts (ComfyUI\'s ConditioningCombine). UNetStep runs the UNet on each prompt ' +
    'and averages the denoised results per latent pixel, weighted by each prompt\'s area and strength (ConditioningSetArea), ' +
    'so two prompts over the whole image blend evenly and prompts set to areas compose a picture.',
  inputs: {
    conditioning_1: socket<Conditioning>(SD_TYPES.conditioning),
    conditioning_2: socket<Conditioning>(SD_TYPES.conditioning),
  },
  outputs: {
    conditioning: output<Conditioning>(SD_TYPES.conditioning),
  },
  async execute({ conditioning_1, conditioning_2 }) {
    return { conditioning: fromParts([...conditioningParts(conditioning_1), ...conditioningParts(conditioning_2)]) };
  },
});
