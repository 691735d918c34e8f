import { chosenModel, installedModel, listModels } from '../../models/model-folder.ts';
import type { Workflow } from '../../runtime/index.ts';
import { nativeImageSize, SD15_IMAGE_SIZE } from '../../nodes/lib/native-image-size.ts';

/**
 * The native image side of each model the workflow's LoadModels name, where it is known without converting anything:
 * an installed folder's own size, or SD 1.5's 512 for a checkpoint not converted yet. Models not installed are left out.
 */
export async function nativeSizes(workflow: Workflow, dataDir: string): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const node of Object.values(workflow.nodes)) {
    const model = node.inputs?.model;
    const name = typeof model === 'string' ? model : 'auto';
    if (node.type !== 'LoadModel' || sizes.has(name)) continue;
    const chosen = chosenModel(dataDir, name);
    const files = installedModel(dataDir, chosen);
    if (files) sizes.set(name, await nativeImageSize(files));
    else if (listModels(dataDir).some((found) => found.name === chosen && found.kind === 'checkpoint')) sizes.set(name, SD15_IMAGE_SIZE);
  }
  return sizes;
}
