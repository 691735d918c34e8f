import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TensorSource } from '../checkpoint/types.ts';
import { openCheckpoint } from '../checkpoint/open-checkpoint.ts';
import { modelIncomplete } from '../checkpoint/errors.ts';
import { RenamedSource, type RenamedTensor } from '../checkpoint/renamed-source.ts';

/** Weight files of a diffusers PyTorch folder, by component, in order of preference. */
export const DIFFUSERS_WEIGHTS = {
  unet: ['unet/diffusion_pytorch_model.safetensors', 'unet/diffusion_pytorch_model.fp16.safetensors', 'unet/diffusion_pytorch_model.bin'],
  text_encoder: ['text_encoder/model.safetensors', 'text_encoder/model.fp16.safetensors', 'text_encoder/pytorch_model.bin'],
  vae: ['vae/diffusion_pytorch_model.safetensors', 'vae/diffusion_pytorch_model.fp16.safetensors', 'vae/diffusion_pytorch_model.bin'],
} as const;

const isFile = (path: string) => existsSync(path) && statSync(path).isFile();

/** The weight file of each component in `dir`; undefined where a component has none. */
export function diffusersWeightFiles(dir: string): Record<keyof typeof DIFFUSERS_WEIGHTS, string | undefined> {
  const find = (candidates: readonly string[]) => candidates.map((file) => join(dir, file)).find(isFile);
  return { unet: find(DIFFUSERS_WEIGHTS.unet), text_encoder: find(DIFFUSERS_WEIGHTS.text_encoder), vae: find(DIFFUSERS_WEIGHTS.vae) };
}

/** Whether `dir` is a diffusers PyTorch folder (it has UNet weights). */
export const isDiffusersFolder = (dir: string): boolean => diffusersWeightFiles(dir).unet !== undefined;

/**
 * The three components of a diffusers folder as one source, each under its component prefix
 * (`unet.`, `text_encoder.`, `vae.`), which withLdmNames then maps to LDM names.
 */
export function openDiffusersFolder(dir: string): TensorSource {
  const files = diffusersWeightFiles(dir);
  const missing = Object.entries(files).filter(([, file]) => file === undefined).map(([component]) => DIFFUSERS_WEIGHTS[component as keyof typeof files][0]);
  if (missing.length > 0) throw modelIncomplete(dir, missing);
  const sources: TensorSource[] = [];
  try {
    const entries: RenamedTensor[] = [];
    for (const [component, file] of Object.entries(files)) {
      const source = openCheckpoint(file!);
      sources.push(source);
      for (const { name } of source.tensors) entries.push({ source, original: name, name: `${component}.${name}` });
    }
    return new RenamedSource(dir, sources[0].format, entries, sources);
  } catch (error) {
    for (const source of sources) source.close();
    throw error;
  }
}
