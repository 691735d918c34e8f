import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CHECKPOINT_EXTENSIONS, listModels } from '../../models/model-folder.ts';
import { DIFFUSERS_WEIGHTS } from '../../models/convert/index.ts';

const STAMPED_FILES = [
  'model_index.json',
  'text_encoder/model.onnx',
  'unet/model.onnx',
  'unet/config.json',
  'vae_encoder/model.onnx',
  'vae_decoder/model.onnx',
];

/**
 * Size and modification time of a file, or `-` when it cannot be read: a fingerprint only notices
 * change; LoadModel itself then reports what is wrong with the model (or its name). Synchronous and
 * without an exception for a missing file: most of the paths looked at are absent, and this runs before
 * every run's LoadModel.
 */
function stampOf(path: string): string {
  try {
    const stats = statSync(path, { bigint: true, throwIfNoEntry: false });
    return stats ? `${stats.size}@${stats.mtimeNs}` : '-';
  } catch {
    return '-';
  }
}

function stampsOfModel(dataDir: string, name: string): Record<string, string> {
  const folder = join(dataDir, 'models', name);
  const paths = [
    ...STAMPED_FILES.map((file) => join(folder, file)),
    ...CHECKPOINT_EXTENSIONS.map((ext) => join(dataDir, name + ext)),
    ...Object.values(DIFFUSERS_WEIGHTS).flat().map((file) => join(dataDir, name, file)),
  ];
  return Object.fromEntries(paths.map((path) => [path, stampOf(path)]));
}

/**
 * What LoadModel's result depends on in the data folder, without resolving (or converting) anything:
 * the files of the named model, or for `auto` the list of models and the files of each, so that a
 * model added, replaced or re-converted makes LoadModel and the nodes after it run again.
 */
export function modelFingerprint(dataDir: string, model: string): string {
  const root = resolve(dataDir);
  const names = model === 'auto' ? listModels(root).map((found) => found.name) : [model];
  const stamps = names.map((name) => [name, stampsOfModel(root, name)]);
  return JSON.stringify(stamps);
}
