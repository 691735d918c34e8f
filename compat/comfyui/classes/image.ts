import type { InputValue } from '../../../runtime/index.ts';
import type { ComfyClass, ComfyNodeView } from '../class-entry.ts';
import { out } from '../class-entry.ts';

/**
 * An image widget's file: ComfyUI annotates names from another folder ("clipspace/mask.png [input]", what its mask
 * editor writes); `[input]` is the input folder, the default; output and temp images are not LoadImage's to read here.
 */
export function inputImageName(node: ComfyNodeView): InputValue {
  const value = node.value('image');
  if (typeof value !== 'string') return value;
  const annotated = /^(.*) \[(input|output|temp)\]$/.exec(value);
  if (!annotated) return value;
  if (annotated[2] !== 'input') node.fail('comfy_unsupported_value', 'image', `image "${value}": latentflow's LoadImage reads the input folder only (upload it, or save it there)`);
  return annotated[1];
}

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
    const id = node.add('', 'LoadImage', { image: inputImageName(node) });
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

const cannyThreshold = (name: string, fallback: number) => ({ name, type: 'FLOAT' as const, default: fallback, min: 0.01, max: 0.99, step: 0.01 });

export const Canny: ComfyClass = {
  uses: ['Canny'],
  category: 'image/preprocessors',
  description: 'Canny edge detection; the thresholds are on the same [0, 1] gradient scale as ComfyUI\'s (kornia).',
  inputs: [{ name: 'image', type: 'IMAGE' }, cannyThreshold('low_threshold', 0.4), cannyThreshold('high_threshold', 0.8)],
  outputs: [{ name: 'IMAGE', type: 'IMAGE' }],
  translate(node) {
    const id = node.add('', 'Canny', { image: node.link('image'), low_threshold: node.value('low_threshold'), high_threshold: node.value('high_threshold') });
    return [out(id, 'image')];
  },
};
