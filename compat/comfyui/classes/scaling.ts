import type { ComfyClass, WidgetSpec } from '../class-entry.ts';
import { out } from '../class-entry.ts';

const LATENT_METHODS = ['nearest-exact', 'bilinear', 'area', 'bicubic', 'bislerp'];
const IMAGE_METHODS = ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos'];
const method = (choices: string[]): WidgetSpec => ({ name: 'upscale_method', type: 'COMBO', choices: () => choices });
const side = (name: string): WidgetSpec => ({ name, type: 'INT', default: 512, min: 0, max: 16384, step: 8 });
const crop: WidgetSpec = { name: 'crop', type: 'COMBO', choices: () => ['disabled', 'center'] };
const scaleBy = (fallback: number): WidgetSpec => ({ name: 'scale_by', type: 'FLOAT', default: fallback, min: 0.01, max: 8, step: 0.01 });

export const LatentUpscale: ComfyClass = {
  uses: ['LatentUpscale'],
  category: 'latent',
  description: 'LatentUpscale.',
  inputs: [{ name: 'samples', type: 'LATENT' }, method(LATENT_METHODS), side('width'), side('height'), crop],
  outputs: [{ name: 'LATENT', type: 'LATENT' }],
  translate: (node) => [
    out(node.add('', 'LatentUpscale', { latent: node.link('samples'), upscale_method: node.value('upscale_method'), width: node.value('width'), height: node.value('height'), crop: node.value('crop') }), 'latent'),
  ],
};

export const LatentUpscaleBy: ComfyClass = {
  uses: ['LatentUpscaleBy'],
  category: 'latent',
  description: 'LatentUpscaleBy.',
  inputs: [{ name: 'samples', type: 'LATENT' }, method(LATENT_METHODS), scaleBy(1.5)],
  outputs: [{ name: 'LATENT', type: 'LATENT' }],
  translate: (node) => [out(node.add('', 'LatentUpscaleBy', { latent: node.link('samples'), upscale_method: node.value('upscale_method'), scale_by: node.value('scale_by') }), 'latent')],
};

export const ImageScale: ComfyClass = {
  uses: ['ImageScale'],
  category: 'image/upscaling',
  description: 'ImageScale.',
  inputs: [{ name: 'image', type: 'IMAGE' }, method(IMAGE_METHODS), side('width'), side('height'), crop],
  outputs: [{ name: 'IMAGE', type: 'IMAGE' }],
  translate: (node) => [
    out(node.add('', 'ImageScale', { image: node.link('image'), upscale_method: node.value('upscale_method'), width: node.value('width'), height: node.value('height'), crop: node.value('crop') }), 'image'),
  ],
};

export const ImageScaleBy: ComfyClass = {
  uses: ['ImageScaleBy'],
  category: 'image/upscaling',
  description: 'ImageScaleBy.',
  inputs: [{ name: 'image', type: 'IMAGE' }, method(IMAGE_METHODS), scaleBy(1)],
  outputs: [{ name: 'IMAGE', type: 'IMAGE' }],
  translate: (node) => [out(node.add('', 'ImageScaleBy', { image: node.link('image'), upscale_method: node.value('upscale_method'), scale_by: node.value('scale_by') }), 'image')],
};
