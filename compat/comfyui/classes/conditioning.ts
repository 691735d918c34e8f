import type { ComfyClass } from '../class-entry.ts';
import { out } from '../class-entry.ts';

export const CLIPTextEncode: ComfyClass = {
  uses: ['Tokenizer', 'TextEncoder'],
  category: 'conditioning',
  description: 'Tokenizer then TextEncoder (with the clip_skip a CLIPSetLastLayer before it chose).',
  inputs: [
    { name: 'text', type: 'STRING', default: '', multiline: true },
    { name: 'clip', type: 'CLIP' },
  ],
  outputs: [{ name: 'CONDITIONING', type: 'CONDITIONING' }],
  translate(node) {
    const clip = node.socket('clip');
    const tokens = node.add('tokens', 'Tokenizer', { clip: clip.link, text: node.value('text') });
    const id = node.add('', 'TextEncoder', { clip: clip.link, tokens: { from: tokens, output: 'tokens' }, clip_skip: clip.clipSkip ?? 1 });
    return [out(id, 'conditioning')];
  },
};

export const CLIPSetLastLayer: ComfyClass = {
  uses: ['TextEncoder'],
  category: 'conditioning',
  description: 'No node of its own: sets clip_skip (-1 = 1, -2 = 2) on the TextEncoders this CLIP reaches.',
  inputs: [
    { name: 'clip', type: 'CLIP' },
    { name: 'stop_at_clip_layer', type: 'INT', default: -1, min: -24, max: -1, step: 1 },
  ],
  outputs: [{ name: 'CLIP', type: 'CLIP' }],
  translate(node) {
    const layer = node.number('stop_at_clip_layer');
    if (layer !== -1 && layer !== -2) {
      node.fail('comfy_unsupported_value', 'stop_at_clip_layer', `stop_at_clip_layer ${layer}: latentflow's text encoder gives the last (-1) or penultimate (-2) layer only`);
    }
    return [{ link: node.link('clip'), clipSkip: -layer }];
  },
};
