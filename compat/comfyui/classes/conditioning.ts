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

const area = (name: string, fallback: number, min: number) => ({ name, type: 'INT' as const, default: fallback, min, max: 16384, step: 8 });

export const ConditioningCombine: ComfyClass = {
  uses: ['ConditioningCombine'],
  category: 'conditioning',
  description: 'ConditioningCombine: both lists of prompts, each run by the UNet and averaged by area and strength.',
  inputs: [
    { name: 'conditioning_1', type: 'CONDITIONING' },
    { name: 'conditioning_2', type: 'CONDITIONING' },
  ],
  outputs: [{ name: 'CONDITIONING', type: 'CONDITIONING' }],
  translate: (node) => [out(node.add('', 'ConditioningCombine', { conditioning_1: node.link('conditioning_1'), conditioning_2: node.link('conditioning_2') }), 'conditioning')],
};

export const ConditioningSetArea: ComfyClass = {
  uses: ['ConditioningSetArea'],
  category: 'conditioning',
  description: 'ConditioningSetArea: the prompts apply to a rectangle (pixels), weighted by strength.',
  inputs: [
    { name: 'conditioning', type: 'CONDITIONING' },
    area('width', 64, 64),
    area('height', 64, 64),
    area('x', 0, 0),
    area('y', 0, 0),
    { name: 'strength', type: 'FLOAT', default: 1, min: 0, max: 10, step: 0.01 },
  ],
  outputs: [{ name: 'CONDITIONING', type: 'CONDITIONING' }],
  translate(node) {
    const values = Object.fromEntries(['width', 'height', 'x', 'y', 'strength'].map((name) => [name, node.value(name)]));
    return [out(node.add('', 'ConditioningSetArea', { conditioning: node.link('conditioning'), ...values }), 'conditioning')];
  },
};

export const ConditioningZeroOut: ComfyClass = {
  uses: ['ConditioningZeroOut'],
  category: 'advanced/conditioning',
  description: 'ConditioningZeroOut: every prompt\'s embedding set to 0.',
  inputs: [{ name: 'conditioning', type: 'CONDITIONING' }],
  outputs: [{ name: 'CONDITIONING', type: 'CONDITIONING' }],
  translate: (node) => [out(node.add('', 'ConditioningZeroOut', { conditioning: node.link('conditioning') }), 'conditioning')],
};
