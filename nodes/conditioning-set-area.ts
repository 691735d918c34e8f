import { defineNode, float, int, output, socket } from '../runtime/index.ts';
import { conditioningParts, fromParts } from './lib/conditioning-parts.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { Conditioning } from './lib/sd-types.ts';
import { MAX_IMAGE_SIDE } from './empty-latent.ts';

const pixels = (fallback: number, min: number, description: string) => int({ default: fallback, min, max: MAX_IMAGE_SIDE, step: 8, description });

export default defineNode({
  type: 'ConditioningSetArea',
  displayName: 'Conditioning (Set Area)',
  category: 'conditioning',
  description:
    'Makes every prompt of the conditioning apply only to a rectangle of the image, with a strength (ComfyUI\'s ConditioningSetArea): ' +
    'UNetStep runs the prompt on that part of the latent (1/8 of the pixels) and weights its result there by the strength, ' +
    'feathered over 8 latent pixels from the edges inside the image. Combine several (ConditioningCombine) to compose an image; ' +
    'a part of the image no prompt covers gets no guidance, so usually one prompt covers the whole image.',
  inputs: {
    conditioning: socket<Conditioning>(SD_TYPES.conditioning),
    width: pixels(64, 64, 'Area width in pixels.'),
    height: pixels(64, 64, 'Area height in pixels.'),
    x: pixels(0, 0, 'Left edge in pixels.'),
    y: pixels(0, 0, 'Top edge in pixels.'),
    strength: float({ default: 1, min: 0, max: 10, step: 0.01, description: 'Weight of these prompts where they apply.' }),
  },
  outputs: {
    conditioning: output<Conditioning>(SD_TYPES.conditioning),
  },
  async execute({ conditioning, width, height, x, y, strength }) {
    return { conditioning: fromParts(conditioningParts(conditioning).map((part) => ({ ...part, area: { width, height, x, y }, strength }))) };
  },
});
