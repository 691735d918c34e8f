import { join } from 'node:path';
import { defineNode, LatentflowError, output, string } from '../runtime/index.ts';
import { CONTROLNET_FILE, controlNetWeightsFile, findControlNet, resolveControlNet } from '../models/convert/index.ts';
import { fileStamp } from './lib/file-stamp.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { ControlNetHandle } from './lib/sd-types.ts';

export default defineNode({
  type: 'ControlNetLoader',
  displayName: 'Load ControlNet',
  category: 'loaders',
  description:
    'Loads an SD 1.5 ControlNet from data/controlnet/: a file in the original layout (control_v11p_sd15_canny.pth, ' +
    '.safetensors; control_model. names or bare ones) or a diffusers ControlNet folder (config.json with ' +
    'diffusion_pytorch_model.safetensors or .bin). It is converted to ONNX on first use and the conversion is kept in ' +
    'data/controlnet/.converted/ (redone when the file changes). Apply it with ControlNetApply or ControlNetApplyAdvanced.',
  inputs: {
    control_net_name: string({ default: '', description: 'A file or folder in data/controlnet/, e.g. control_v11p_sd15_canny.pth.' }),
  },
  outputs: {
    control_net: output<ControlNetHandle>(SD_TYPES.controlNet, 'The converted ControlNet'),
  },
  fingerprint({ control_net_name }, env) {
    try {
      return fileStamp(controlNetWeightsFile(findControlNet(env.dataDir, control_net_name).path));
    } catch {
      return '-';
    }
  },
  async execute({ control_net_name }, ctx) {
    let converted;
    try {
      converted = await resolveControlNet(ctx.env.dataDir, control_net_name, ctx.signal);
    } catch (error) {
      const { code, message } = error as { code?: unknown; message: string };
      if (code === 'controlnet_not_found') throw new LatentflowError(code, message, { input: 'control_net_name', cause: error });
      throw error;
    }
    ctx.log.info(`ControlNet "${converted.name}" ${converted.status}`);
    return { control_net: { name: converted.name, path: join(converted.dir, CONTROLNET_FILE), config: converted.config } };
  },
});
