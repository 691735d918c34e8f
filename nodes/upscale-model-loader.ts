import { stat } from 'node:fs/promises';
import { defineNode, output, string } from '../runtime/index.ts';
import { resolveUpscaleModel, upscaleModelPath } from '../models/upscale/index.ts';
import { SD_TYPES, type UpscaleModelHandle } from './lib/sd-types.ts';

/** The tiny model shipped in data/upscale_models/ (see its README): it runs, it does not add detail. */
export const SHIPPED_UPSCALE_MODEL = 'tiny-rrdbnet-x2-passthrough.safetensors';

export default defineNode({
  type: 'UpscaleModelLoader',
  displayName: 'Load Upscale Model',
  category: 'loaders',
  description:
    'Loads an RRDBNet upscale model (ESRGAN, Real-ESRGAN x4plus / x2plus) from a .pth or .safetensors file in ' +
    'data/upscale_models/, in the old ESRGAN or the new (basicsr) key layout; scale and size are read from the weights. ' +
    'The file is converted to ONNX on first use and the conversion is kept (redone when the file changes).',
  inputs: {
    model_name: string({ default: SHIPPED_UPSCALE_MODEL, description: 'A file in data/upscale_models/, e.g. RealESRGAN_x4plus.pth.' }),
  },
  outputs: {
    upscale_model: output<UpscaleModelHandle>(SD_TYPES.upscaleModel, 'The converted network and its scale'),
  },
  async fingerprint({ model_name }, env) {
    try {
      const info = await stat(upscaleModelPath(env.dataDir, model_name), { bigint: true });
      return `${info.size}@${info.mtimeNs}`;
    } catch {
      return '-';
    }
  },
  async execute({ model_name }, ctx) {
    const files = await resolveUpscaleModel(ctx.env.dataDir, model_name);
    const { config, scale, layout } = files.index;
    ctx.log.info(`upscale model "${model_name}" (${layout} layout, x${scale}, ${config.numBlock} blocks) ${files.status}`);
    return {
      upscale_model: {
        name: model_name, path: files.model, scale, inputMultiple: config.unshuffle, numFeat: config.numFeat, growth: config.growth,
      },
    };
  },
});
