import { CHECKPOINT_EXTENSIONS, type AvailableModel } from '../../models/model-folder.ts';

/**
 * Model names as ComfyUI lists them: a checkpoint by its file name in data/ (`v1-5-pruned-emaonly.ckpt`,
 * also once converted into data/models/), and converted or ONNX folders under data/models/ by name.
 */
export function checkpointNames(models: AvailableModel[], checkpointFiles: string[]): string[] {
  const names = models.map((model) => checkpointFiles.find((file) => stemOf(file) === model.name) ?? model.name);
  return [...new Set(names)].sort((a, b) => a.localeCompare(b));
}

function stemOf(name: string): string {
  const extension = CHECKPOINT_EXTENSIONS.find((ext) => name.toLowerCase().endsWith(ext));
  return extension ? name.slice(0, -extension.length) : name;
}

/** The LoadModel name for a ComfyUI ckpt_name, or undefined when no such model is installed. */
export function modelForCheckpoint(ckptName: string, checkpoints: string[]): string | undefined {
  if (ckptName === 'auto') return 'auto';
  const stem = stemOf(ckptName);
  return checkpoints.some((name) => name === ckptName || stemOf(name) === stem) ? stem : undefined;
}
