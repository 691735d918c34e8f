import { defineNode, float, output, socket } from '../runtime/index.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { UnetHandle } from './lib/sd-types.ts';

const factor = (value: number, description: string) => float({ default: value, min: 0, max: 10, step: 0.01, description });

export default defineNode({
  type: 'FreeU',
  displayName: 'FreeU',
  category: 'model_patches',
  description:
    'FreeU (Si et al., "FreeU: Free Lunch in Diffusion U-Net"): in the UNet\'s decoder, at the blocks of 4x (b1, s1) and 2x ' +
    '(b2, s2) the first level\'s channels, the first half of the backbone channels times b, and the skip connection\'s lowest ' +
    'Fourier frequencies times s. Defaults are the paper\'s for SD 1.5. UNetStep then runs a variant of the converted UNet ' +
    'with the factors as inputs (made once in data/cache/variants/, sharing the UNet\'s weight file; LoRAs apply as usual); ' +
    'b = s = 1 gives the plain UNet\'s result.',
  inputs: {
    unet: socket<UnetHandle>(SD_TYPES.unet),
    b1: factor(1.5, 'Backbone factor at the deepest decoder level.'),
    b2: factor(1.6, 'Backbone factor at the next level.'),
    s1: factor(0.9, 'Skip low-frequency factor at the deepest decoder level.'),
    s2: factor(0.2, 'Skip low-frequency factor at the next level.'),
  },
  outputs: {
    unet: output<UnetHandle>(SD_TYPES.unet, 'The same UNet, sampled with FreeU'),
  },
  async execute({ unet, b1, b2, s1, s2 }) {
    return { unet: { ...unet, freeU: { b1, b2, s1, s2, version: 1 as const } } };
  },
});
