import type { ComfyClass } from '../class-entry.ts';
import { out } from '../class-entry.ts';

const strength = { type: 'FLOAT', default: 1, min: -100, max: 100, step: 0.01 } as const;

export const LoraLoader: ComfyClass = {
  uses: ['LoraLoader'],
  category: 'loaders',
  description: 'LoraLoader: a LoRA from data/loras/ applied to the UNet and the text encoder (the CLIP keeps any clip_skip set before it).',
  inputs: [
    { name: 'model', type: 'MODEL' },
    { name: 'clip', type: 'CLIP' },
    { name: 'lora_name', type: 'COMBO', choices: (env) => env.loras },
    { name: 'strength_model', ...strength },
    { name: 'strength_clip', ...strength },
  ],
  outputs: [
    { name: 'MODEL', type: 'MODEL' },
    { name: 'CLIP', type: 'CLIP' },
  ],
  translate(node) {
    const clip = node.socket('clip');
    const id = node.add('', 'LoraLoader', {
      unet: node.link('model'),
      clip: clip.link,
      lora_name: node.value('lora_name'),
      strength_model: node.value('strength_model'),
      strength_clip: node.value('strength_clip'),
    });
    return [out(id, 'unet'), { link: { from: id, output: 'clip' }, ...(clip.clipSkip === undefined ? {} : { clipSkip: clip.clipSkip }) }];
  },
};
