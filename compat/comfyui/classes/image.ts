import type { ComfyClass } from '../class-entry.ts';
import { out } from '../class-entry.ts';

export const LoadImage: ComfyClass = {
  uses: ['LoadImage'],
  category: 'image',
  description: 'LoadImage from the input folder (uploads); MASK is its transparency where latentflow\'s LoadImage has a mask output.',
  inputs: [{ name: 'image', type: 'COMBO', choices: (env) => env.inputImages, imageUpload: true }],
  outputs: [
    { name: 'IMAGE', type: 'IMAGE' },
    { name: 'MASK', type: 'MASK' },
  ],
  translate(node) {
    const id = node.add('', 'LoadImage', { image: node.value('image') });
    return [out(id, 'image'), node.env.hasOutput('LoadImage', 'mask') ? out(id, 'mask') : undefined];
  },
};

export const SaveImage: ComfyClass = {
  uses: ['SaveImage'],
  category: 'image',
  description: 'SaveImage into the output folder, the workflow embedded.',
  outputNode: true,
  inputs: [
    { name: 'images', type: 'IMAGE' },
    { name: 'filename_prefix', type: 'STRING', default: 'ComfyUI' },
  ],
  outputs: [],
  translate(node) {
    node.add('', 'SaveImage', { image: node.link('images'), filename_prefix: node.value('filename_prefix') });
    return [];
  },
};

export const PreviewImage: ComfyClass = {
  uses: ['PreviewImage'],
  category: 'image',
  description: 'PreviewImage: sent as preview events, not saved.',
  outputNode: true,
  inputs: [{ name: 'images', type: 'IMAGE' }],
  outputs: [],
  translate(node) {
    node.add('', 'PreviewImage', { image: node.link('images') });
    return [];
  },
};
