import type { ComfyClass } from '../class-entry.ts';
import { out } from '../class-entry.ts';

export const UpscaleModelLoader: ComfyClass = {
  uses: ['UpscaleModelLoader'],
  category: 'loaders',
  description: 'UpscaleModelLoader: an RRDBNet (ESRGAN / Real-ESRGAN) .pth or .safetensors from data/upscale_models/.',
  inputs: [{ name: 'model_name', type: 'COMBO', choices: (env) => env.upscaleModels }],
  outputs: [{ name: 'UPSCALE_MODEL', type: 'UPSCALE_MODEL' }],
  translate(node) {
    const name = node.value('model_name');
    if (typeof name === 'string' && !node.env.upscaleModels.includes(name)) {
      node.fail('comfy_value_not_in_list', 'model_name', `model_name "${name}" is not in data/upscale_models/; available: ${node.env.upscaleModels.join(', ') || '(none)'}`);
    }
    return [out(node.add('', 'UpscaleModelLoader', { model_name: name }), 'upscale_model')];
  },
};

export const ImageUpscaleWithModel: ComfyClass = {
  uses: ['ImageUpscaleWithModel'],
  category: 'image/upscaling',
  description: 'ImageUpscaleWithModel: in blended tiles of the automatic size.',
  inputs: [{ name: 'upscale_model', type: 'UPSCALE_MODEL' }, { name: 'image', type: 'IMAGE' }],
  outputs: [{ name: 'IMAGE', type: 'IMAGE' }],
  translate: (node) => [
    out(node.add('', 'ImageUpscaleWithModel', { image: node.link('image'), upscale_model: node.link('upscale_model') }), 'image'),
  ],
};
