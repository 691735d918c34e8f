import { defineNode, float, output, socket } from '../runtime/index.ts';
import { withControl } from './lib/control.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { Conditioning, ControlNetHandle, ImageBatch } from './lib/sd-types.ts';

export default defineNode({
  type: 'ControlNetApply',
  displayName: 'Apply ControlNet',
  category: 'conditioning/controlnet',
  description:
    'Puts a ControlNet on a conditioning: wherever it is sampled, the ControlNet looks at the control image (an edge map, ' +
    'a pose, a depth map, scaled to the image size) and its residuals, times strength, are added to the UNet\'s skip ' +
    'connections and middle block at every step. Used on the positive prompt, the negative one runs without it (as in ' +
    'ComfyUI); ControlNetApplyAdvanced sets both and a part of the steps. Chain several to combine ControlNets; their ' +
    'residuals add up. Strength 0 changes nothing.',
  inputs: {
    conditioning: socket<Conditioning>(SD_TYPES.conditioning),
    control_net: socket<ControlNetHandle>(SD_TYPES.controlNet),
    image: socket<ImageBatch>(SD_TYPES.image, { description: 'The control image, white-on-black edges for a Canny ControlNet.' }),
    strength: float({ default: 1, min: 0, max: 10, step: 0.01, description: 'How strongly the ControlNet steers.' }),
  },
  outputs: {
    conditioning: output<Conditioning>(SD_TYPES.conditioning, 'The conditioning with the ControlNet'),
  },
  async execute({ conditioning, control_net, image, strength }) {
    return { conditioning: withControl(conditioning, { controlNet: control_net, image, strength, start: 0, end: 1 }) };
  },
});
