import type { ComfyClass, WidgetSpec } from '../class-entry.ts';
import { out } from '../class-entry.ts';

const pad = (name: string): WidgetSpec => ({ name, type: 'INT', default: 0, min: 0, max: 16384, step: 8 });

export const SetLatentNoiseMask: ComfyClass = {
  uses: ['SetLatentNoiseMask'],
  category: 'latent/inpaint',
  description: 'SetLatentNoiseMask: the sampler changes only where the mask is set.',
  inputs: [
    { name: 'samples', type: 'LATENT' },
    { name: 'mask', type: 'MASK' },
  ],
  outputs: [{ name: 'LATENT', type: 'LATENT' }],
  translate: (node) => [out(node.add('', 'SetLatentNoiseMask', { latent: node.link('samples'), mask: node.link('mask') }), 'latent')],
};

export const VAEEncodeForInpaint: ComfyClass = {
  uses: ['VAEEncodeForInpaint'],
  category: 'latent/inpaint',
  description: 'VAEEncodeForInpaint.',
  inputs: [
    { name: 'pixels', type: 'IMAGE' },
    { name: 'vae', type: 'VAE' },
    { name: 'mask', type: 'MASK' },
    { name: 'grow_mask_by', type: 'INT', default: 6, min: 0, max: 64, step: 1 },
  ],
  outputs: [{ name: 'LATENT', type: 'LATENT' }],
  translate: (node) => [
    out(node.add('', 'VAEEncodeForInpaint', { vae: node.link('vae'), image: node.link('pixels'), mask: node.link('mask'), grow_mask_by: node.value('grow_mask_by') }), 'latent'),
  ],
};

export const ImagePadForOutpaint: ComfyClass = {
  uses: ['ImagePadForOutpaint'],
  category: 'image',
  description: 'ImagePadForOutpaint: the padded image and the mask of the new canvas.',
  inputs: [{ name: 'image', type: 'IMAGE' }, pad('left'), pad('top'), pad('right'), pad('bottom'), { name: 'feathering', type: 'INT', default: 40, min: 0, max: 16384, step: 1 }],
  outputs: [
    { name: 'IMAGE', type: 'IMAGE' },
    { name: 'MASK', type: 'MASK' },
  ],
  translate(node) {
    const sides = Object.fromEntries(['left', 'top', 'right', 'bottom'].map((side) => [side, node.value(side)]));
    const id = node.add('', 'ImagePadForOutpaint', { image: node.link('image'), ...sides, feathering: node.value('feathering') });
    return [out(id, 'image'), out(id, 'mask')];
  },
};
