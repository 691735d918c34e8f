import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { upscaleModelNotFound } from '../checkpoint/errors.ts';
import { convertUpscaleModel, type UpscaleModelFiles } from './convert-upscale-model.ts';

export const UPSCALE_MODELS_DIR = 'upscale_models';
export const UPSCALE_MODEL_EXTENSIONS = ['.pth', '.safetensors'] as const;
/** Where converted models are kept, one folder per file, hidden from the list of models. */
const CONVERTED_DIR = '.converted';

const isModelFile = (name: string) => !name.startsWith('.') && UPSCALE_MODEL_EXTENSIONS.some((ext) => name.endsWith(ext));

/** The upscale model files in `<dataDir>/upscale_models/`, sorted by name. */
export function listUpscaleModels(dataDir: string): string[] {
  try {
    return readdirSync(join(resolve(dataDir), UPSCALE_MODELS_DIR), { withFileTypes: true })
      .filter((entry) => entry.isFile() && isModelFile(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

/** The model file named `name` (a file listed by listUpscaleModels, nothing else), or a coded refusal. */
export function upscaleModelPath(dataDir: string, name: string): string {
  const available = listUpscaleModels(dataDir);
  const dir = join(resolve(dataDir), UPSCALE_MODELS_DIR);
  if (!available.includes(name)) throw upscaleModelNotFound(name, dir, available);
  return join(dir, name);
}

/** Finds the named model and converts it to ONNX on first use (again when the file changes). */
export function resolveUpscaleModel(dataDir: string, name: string): Promise<UpscaleModelFiles> {
  const path = upscaleModelPath(dataDir, name);
  return convertUpscaleModel(path, join(resolve(dataDir), UPSCALE_MODELS_DIR, CONVERTED_DIR, name));
}
