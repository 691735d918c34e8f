import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Registry } from '../../runtime/index.ts';
import { CHECKPOINT_EXTENSIONS, listModels } from '../../models/model-folder.ts';
import { EXAMPLE_IMAGES_DIR } from '../../nodes/load-image.ts';
import { listUpscaleModels } from '../../models/upscale/index.ts';
import { listControlNets } from '../../models/convert/index.ts';
import { listVaes } from '../../models/vae-folder.ts';
import type { ComfyEnvironment } from './class-entry.ts';
import { checkpointNames } from './model-names.ts';

const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];
const LORA_EXTENSIONS = ['.safetensors', '.pt', '.ckpt'];
const filesIn = (dir: string, extensions: string[]) =>
  existsSync(dir) ? readdirSync(dir).filter((file) => !file.startsWith('.') && extensions.some((ext) => file.toLowerCase().endsWith(ext))) : [];

/** What a conversion may name on this installation: models in `dataDir`, images in `inputDir`, the registry's choices. */
export function comfyEnvironment(options: { registry: Registry; dataDir: string; inputDir?: string }): ComfyEnvironment {
  const descriptions = new Map(options.registry.describe().map((description) => [description.type, description]));
  const inputOf = (type: string, name: string) => descriptions.get(type)?.inputs.find((input) => input.name === name);
  const images = [...filesIn(options.inputDir ?? '', IMAGE_EXTENSIONS), ...filesIn(EXAMPLE_IMAGES_DIR, IMAGE_EXTENSIONS)];
  return {
    checkpoints: checkpointNames(listModels(options.dataDir), filesIn(options.dataDir, CHECKPOINT_EXTENSIONS)),
    choices: (type, name) => {
      const input = inputOf(type, name);
      return input?.kind === 'enum' ? input.choices : [];
    },
    hasInput: (type, name) => inputOf(type, name) !== undefined,
    hasOutput: (type, name) => descriptions.get(type)?.outputs.some((output) => output.name === name) ?? false,
    hasType: (type) => descriptions.has(type),
    versionOf: (type) => descriptions.get(type)?.version ?? 1,
    loras: filesIn(path.join(options.dataDir, 'loras'), LORA_EXTENSIONS),
    inputImages: [...new Set(images)],
    upscaleModels: listUpscaleModels(options.dataDir),
    controlNets: listControlNets(options.dataDir),
    vaes: listVaes(options.dataDir),
  };
}
