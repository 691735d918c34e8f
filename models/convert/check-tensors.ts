import { expectedTensors, inferConfig, type SD15Config } from '../sd15/index.ts';
import { incompatibleCheckpoint, ModelFileError, type ShapeMismatch } from '../checkpoint/errors.ts';
import { isFloatDType, type TensorSource } from '../checkpoint/types.ts';

/**
 * Tensors under these prefixes are parts of the networks. One the inferred config does not expect
 * means the sizes were inferred from an incomplete checkpoint (e.g. a missing attention block).
 */
const STRUCTURAL_PREFIXES = [
  'cond_stage_model.transformer.text_model.encoder.',
  'model.diffusion_model.',
  'first_stage_model.encoder.',
  'first_stage_model.decoder.',
];

/** Infers the model's sizes from the checkpoint and checks every tensor the networks need. */
export function checkTensors(source: TensorSource): { config: SD15Config; needed: Map<string, number[]> } {
  const shapes = new Map(source.tensors.filter((t) => isFloatDType(t.dtype)).map((t) => [t.name, t.shape]));
  let config: SD15Config;
  try {
    config = inferConfig(shapes);
  } catch (error) {
    throw new ModelFileError(
      'checkpoint_missing_tensors',
      `${source.path} is not a Stable Diffusion 1.x checkpoint this converter accepts: ${(error as Error).message}`,
      { path: source.path, cause: error },
    );
  }
  const needed = expectedTensors(config);
  const missing: string[] = [];
  const wrongShape: ShapeMismatch[] = [];
  for (const [name, expected] of needed) {
    const actual = shapes.get(name);
    if (!actual) missing.push(name);
    else if (actual.length !== expected.length || actual.some((n, i) => n !== expected[i])) {
      wrongShape.push({ name, expected, actual });
    }
  }
  const unexpected = [...shapes.keys()].filter((name) => !needed.has(name) && STRUCTURAL_PREFIXES.some((p) => name.startsWith(p)));
  if (missing.length > 0 || wrongShape.length > 0 || unexpected.length > 0) {
    throw incompatibleCheckpoint(source.path, missing, wrongShape, unexpected);
  }
  return { config, needed };
}
