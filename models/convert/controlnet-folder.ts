import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TensorSource } from '../checkpoint/types.ts';
import { openCheckpoint } from '../checkpoint/open-checkpoint.ts';
import { modelIncomplete } from '../checkpoint/errors.ts';
import { RenamedSource, type RenamedTensor } from '../checkpoint/renamed-source.ts';
import { ldmControlNetName, unetLayoutOf } from '../sd15/diffusers-names.ts';
import { CONTROL_PREFIX } from '../sd15/controlnet.ts';

/** What marks a diffusers ControlNet folder (ControlNetModel.save_pretrained). */
export const CONTROLNET_CONFIG = 'config.json';
/** Its weight files, in order of preference. */
export const CONTROLNET_FOLDER_WEIGHTS = ['diffusion_pytorch_model.safetensors', 'diffusion_pytorch_model.fp16.safetensors', 'diffusion_pytorch_model.bin'] as const;

const isFile = (path: string) => existsSync(path) && statSync(path).isFile();

/** Whether `dir` is a diffusers ControlNet folder: it has config.json (its weights may still be missing). */
export const isControlNetFolder = (dir: string): boolean => isFile(join(dir, CONTROLNET_CONFIG));

/** The weight file of a diffusers ControlNet folder, or undefined. */
export const controlNetFolderWeights = (dir: string): string | undefined => CONTROLNET_FOLDER_WEIGHTS.map((file) => join(dir, file)).find(isFile);

/** A diffusers ControlNet folder's tensors under original-layout `control_model.` names (unknown names are dropped). */
export function openControlNetFolder(dir: string): TensorSource {
  const file = controlNetFolderWeights(dir);
  if (!file) throw modelIncomplete(dir, [CONTROLNET_FOLDER_WEIGHTS[0]]);
  const source = openCheckpoint(file);
  try {
    const names = source.tensors.map((t) => t.name);
    const layout = unetLayoutOf(names);
    const entries: RenamedTensor[] = [];
    for (const original of names) {
      const name = ldmControlNetName(original, layout);
      if (name !== undefined) entries.push({ source, original, name: CONTROL_PREFIX + name });
    }
    return new RenamedSource(dir, source.format, entries, [source]);
  } catch (error) {
    source.close();
    throw error;
  }
}
