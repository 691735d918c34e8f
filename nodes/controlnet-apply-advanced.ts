import { defineNode, float, output, socket } from '../runtime/index.ts';
import { withControl } from './lib/control.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { Conditioning, ControlApplication, ControlNetHandle, ImageBatch } from './lib/sd-types.ts';

const percent = (value: number, description: string) => float({ default: value, min: 0, max: 1, step: 0.001, description });

export default defineNode({
  type: 'ControlNetApplyAdvanced',
  displayName: 'Apply ControlNet (Advanced)',
  category: 'conditioning/controlnet',
  description:
    'Puts a ControlNet on the positive and the negative conditioning (one ControlNet run serves both) for the part of ' +
    'sampling from start_percent to end_percent: fractions of the way from the first noise level to the last, placed on ' +
    'SD 1.5\'s noise levels as ComfyUI does, so a step acts when its noise level lies in the window. The residuals, times ' +
    'strength, are added to the UNet\'s; several ControlNets add up. Strength 0 changes nothing.',
  inputs: {
    positive: socket<Conditioning>(SD_TYPES.conditioning),
    negative: socket<Conditioning>(SD_TYPES.conditioning),
    control_net: socket<ControlNetHandle>(SD_TYPES.controlNet),
    image: socket<ImageBatch>(SD_TYPES.image, { description: 'The control image, white-on-black edges for a Canny ControlNet.' }),
    strength: float({ default: 1, min: 0, max: 10, step: 0.01, description: 'How strongly the ControlNet steers.' }),
    start_percent: percent(0, 'Where in sampling it starts acting (0: from the first step).'),
    end_percent: percent(1, 'Where it stops (1: to the last step).'),
  },
  outputs: {
    positive: output<Conditioning>(SD_TYPES.conditioning, 'The positive conditioning with the ControlNet'),
    negative: output<Conditioning>(SD_TYPES.conditioning, 'The negative conditioning with the ControlNet'),
  },
  async execute({ positive, negative, control_net, image, strength, start_percent, end_percent }) {
    const control: ControlApplication = { controlNet: control_net, image, strength, start: start_percent, end: end_percent };
    return { positive: withControl(positive, control), negative: withControl(negative, control) };
  },
});
