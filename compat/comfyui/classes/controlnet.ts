import type { ComfyClass } from '../class-entry.ts';
import { out } from '../class-entry.ts';

const strength = { name: 'strength', type: 'FLOAT', default: 1, min: 0, max: 10, step: 0.01 } as const;
const percent = (name: string, value: number) => ({ name, type: 'FLOAT', default: value, min: 0, max: 1, step: 0.001 } as const);

export const ControlNetLoader: ComfyClass = {
  uses: ['ControlNetLoader'],
  category: 'loaders',
  description: 'ControlNetLoader: an SD 1.5 ControlNet from data/controlnet/ (original-layout file or diffusers folder), converted on first use.',
  inputs: [{ name: 'control_net_name', type: 'COMBO', choices: (env) => env.controlNets }],
  outputs: [{ name: 'CONTROL_NET', type: 'CONTROL_NET' }],
  translate(node) {
    const name = node.value('control_net_name');
    if (typeof name === 'string' && !node.env.controlNets.includes(name)) {
      node.fail('comfy_value_not_in_list', 'control_net_name', `control_net_name "${name}" is not in data/controlnet/; available: ${node.env.controlNets.join(', ') || '(none)'}`);
    }
    return [out(node.add('', 'ControlNetLoader', { control_net_name: name }), 'control_net')];
  },
};

export const ControlNetApply: ComfyClass = {
  uses: ['ControlNetApply'],
  category: 'conditioning/controlnet',
  description: 'ControlNetApply: the ControlNet on this conditioning (the positive prompt; the negative one runs without it).',
  inputs: [
    { name: 'conditioning', type: 'CONDITIONING' },
    { name: 'control_net', type: 'CONTROL_NET' },
    { name: 'image', type: 'IMAGE' },
    strength,
  ],
  outputs: [{ name: 'CONDITIONING', type: 'CONDITIONING' }],
  translate: (node) => [
    out(node.add('', 'ControlNetApply', {
      conditioning: node.link('conditioning'), control_net: node.link('control_net'), image: node.link('image'), strength: node.value('strength'),
    }), 'conditioning'),
  ],
};

export const ControlNetApplyAdvanced: ComfyClass = {
  uses: ['ControlNetApplyAdvanced'],
  category: 'conditioning/controlnet',
  description: 'ControlNetApplyAdvanced: the ControlNet on both prompts from start_percent to end_percent; the optional vae (for other architectures\' ControlNets) is not needed by SD 1.5\'s and is ignored.',
  inputs: [
    { name: 'positive', type: 'CONDITIONING' },
    { name: 'negative', type: 'CONDITIONING' },
    { name: 'control_net', type: 'CONTROL_NET' },
    { name: 'image', type: 'IMAGE' },
    strength,
    percent('start_percent', 0),
    percent('end_percent', 1),
    { name: 'vae', type: 'VAE', optional: true },
  ],
  outputs: [
    { name: 'positive', type: 'CONDITIONING' },
    { name: 'negative', type: 'CONDITIONING' },
  ],
  translate(node) {
    const id = node.add('', 'ControlNetApplyAdvanced', {
      positive: node.link('positive'),
      negative: node.link('negative'),
      control_net: node.link('control_net'),
      image: node.link('image'),
      strength: node.value('strength'),
      start_percent: node.value('start_percent'),
      end_percent: node.value('end_percent'),
    });
    return [out(id, 'positive'), out(id, 'negative')];
  },
};
