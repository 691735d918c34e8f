import type { ComfyClass } from '../class-entry.ts';
import { out } from '../class-entry.ts';

export const LoadImage: ComfyClass = {
  category: 'image',
  description: 'LoadImage from the input folder (uploads). Its MASK output has no latentflow equivalent yet.',
  inputs: [{ name: 'image', type: 'COMBO', choices: (env) => env.inputImages, imageUpload: true }],
  outputs: [
    { name: 'IMAGE', type: 'IMAGE' },
    { name: 'MASK', type: 'MASK' },
  ],
  translate(node) {
    return [out(node.add('', 'LoadImage', { image: node.value('image') }), 'image'), undefined];
  },
};

export const SaveImage: ComfyClass = {
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
