import { ensureTinyModels } from '../../models/tiny.ts';

/**
 * vitest globalSetup: generate data/models/tiny once before any test file needs it. This is the one thing
 * `npm test` writes inside the repository, on purpose: the folder is git-ignored, its bytes are the same on
 * every machine, and it is regenerated only when models/sd15 or models/onnx change (see models/tiny.ts).
 * Every other test file writes to temp folders.
 */
export default async function setup(): Promise<void> {
  await ensureTinyModels('data');
}
