import { defineNode, output, socket } from '../runtime/index.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { Latent, Mask } from './lib/sd-types.ts';

export default defineNode({
  type: 'SetLatentNoiseMask',
  displayName: 'Set Latent Noise Mask',
  category: 'latent',
  description:
    'Attaches a mask to a latent so that UNetStep repaints only the masked region (1) and keeps the rest (0), with any ' +
    'model: at every step the kept region is set back to the input latent at that step\'s noise level, so the new content ' +
    'is drawn to fit around it. The mask may have any size (it is resampled to the latent\'s by area); a soft mask blends.',
  inputs: {
    latent: socket<Latent>(SD_TYPES.latent),
    mask: socket<Mask>(SD_TYPES.mask),
  },
  outputs: {
    latent: output<Latent>(SD_TYPES.latent),
  },
  async execute({ latent, mask }) {
    return { latent: { ...latent, noiseMask: mask } };
  },
});
