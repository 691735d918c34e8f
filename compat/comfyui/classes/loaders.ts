import type { ComfyClass } from '../class-entry.ts';
import { out } from '../class-entry.ts';
import { modelForCheckpoint } from '../model-names.ts';

export const CheckpointLoaderSimple: ComfyClass = {
  uses: ['LoadModel'],
  category: 'loaders',
  description: 'LoadModel: a checkpoint file in data/ (converted on first use, then reused) or a model folder under data/models/.',
  inputs: [{ name: 'ckpt_name', type: 'COMBO', choices: (env) => env.checkpoints }],
  outputs: [
    { name: 'MODEL', type: 'MODEL' },
    { name: 'CLIP', type: 'CLIP' },
    { name: 'VAE', type: 'VAE' },
  ],
  translate(node) {
    const ckpt = node.string('ckpt_name');
    const model = modelForCheckpoint(ckpt, node.env.checkpoints);
    if (model === undefined) {
      node.fail('comfy_value_not_in_list', 'ckpt_name', `ckpt_name "${ckpt}" is not installed; available: ${node.env.checkpoints.join(', ') || '(none)'}`);
    }
    const id = node.add('', 'LoadModel', { model: model as string, backend: 'default' });
    return [out(id, 'unet'), out(id, 'clip'), out(id, 'vae')];
  },
};

export const VAELoader: ComfyClass = {
  uses: ['VAELoader'],
  category: 'loaders',
  description: 'VAELoader: a separate VAE file from data/vae/ (converted on first use, then reused).',
  inputs: [{ name: 'vae_name', type: 'COMBO', choices: (env) => env.vaes }],
  outputs: [{ name: 'VAE', type: 'VAE' }],
  translate(node) {
    const name = node.value('vae_name');
    if (typeof name === 'string' && !node.env.vaes.includes(name)) {
      node.fail('comfy_value_not_in_list', 'vae_name', `vae_name "${name}" is not in data/vae/; available: ${node.env.vaes.join(', ') || '(none)'}`);
    }
    return [out(node.add('', 'VAELoader', { vae_name: name }), 'vae')];
  },
};
