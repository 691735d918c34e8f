import { writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { openCheckpoint } from '../checkpoint/open-checkpoint.ts';
import { conversionFailed, incompatibleCheckpoint, isModelFileError, ModelFileError, modelIncomplete } from '../checkpoint/errors.ts';
import type { ShapeMismatch } from '../checkpoint/errors.ts';
import { isFloatDType } from '../checkpoint/types.ts';
import type { TensorSource } from '../checkpoint/types.ts';
import { writeOnnxModel } from '../onnx/writer.ts';
import { buildControlNet, CONTROL_PREFIX, controlNetTensors, controlNetWeights, inferControlNetConfig } from '../sd15/controlnet.ts';
import type { UnetConfig } from '../sd15/config.ts';
import { CONTROLNET_FOLDER_WEIGHTS, controlNetFolderWeights, isControlNetFolder, openControlNetFolder } from './controlnet-folder.ts';
import { MODEL_INDEX, readModelIndex } from './fingerprint.ts';
import { fingerprintFile } from './open-model-source.ts';
import { writeFolderAtomically } from './staging.ts';
import { withTargetLock } from './target-lock.ts';

const CONTROLNET_FORMAT = 'latentflow-sd15-controlnet-onnx';
const CONTROLNET_FORMAT_VERSION = 1;
export const CONTROLNET_FILE = 'controlnet.onnx';

export interface ConvertedControlNet {
  dir: string;
  /** The UNet sizes the ControlNet steers; it runs only with a UNet of the same sizes. */
  config: UnetConfig;
  status: 'converted' | 'up_to_date' | 'converted_by_another';
}

/** Sizes from the tensors, and every tensor the network needs present with its shape (either naming). */
export function checkControlNetTensors(source: TensorSource): UnetConfig {
  const prefixed = source.tensors.some((t) => t.name.startsWith(CONTROL_PREFIX));
  const shapes = new Map(source.tensors.filter((t) => isFloatDType(t.dtype)).map((t) => [prefixed ? t.name : CONTROL_PREFIX + t.name, t.shape]));
  let config: UnetConfig;
  try {
    config = inferControlNetConfig(shapes);
  } catch (error) {
    throw new ModelFileError('checkpoint_missing_tensors', `${source.path} is not an SD 1.5 ControlNet this converter accepts: ${(error as Error).message}`, {
      path: source.path, cause: error,
    });
  }
  const missing: string[] = [];
  const wrongShape: ShapeMismatch[] = [];
  for (const [name, expected] of controlNetTensors(config)) {
    const actual = shapes.get(name);
    if (!actual) missing.push(name);
    else if (actual.length !== expected.length || actual.some((n, i) => n !== expected[i])) wrongShape.push({ name, expected, actual });
  }
  if (missing.length > 0 || wrongShape.length > 0) throw incompatibleCheckpoint(source.path, missing, wrongShape);
  return config;
}

/**
 * Converts an SD 1.5 ControlNet into a folder with `controlnet.onnx` (see buildControlNet) and its
 * `model_index.json`: an original-layout file (`control_v11*_sd15_*.pth` / `.safetensors`, with the
 * `control_model.` prefix or none) or a diffusers ControlNet folder (config.json and
 * diffusion_pytorch_model.safetensors or .bin). The folder appears complete or not at all; the same source again is a no-op.
 */
export function convertControlNet(path: string, outDir: string): Promise<ConvertedControlNet> {
  const target = resolve(outDir);
  return withTargetLock(target, async () => {
    const source = controlNetSource(path);
    const current = existing(target, source);
    if (current) return { dir: target, config: current, status: 'up_to_date' };
    const checkpoint = isControlNetFolder(path) ? openControlNetFolder(path) : openCheckpoint(path);
    try {
      const config = checkControlNetTensors(checkpoint);
      const read = controlNetWeights(checkpoint.tensors.map((t) => t.name), (key) => checkpoint.readSync(key));
      const outcome = await writeFolderAtomically(
        target,
        async (staging) => {
          writeOnnxModel(buildControlNet(config, read), join(staging, CONTROLNET_FILE), { externalData: 'auto' });
          const index = { format: CONTROLNET_FORMAT, formatVersion: CONTROLNET_FORMAT_VERSION, source, config };
          writeFileSync(join(staging, MODEL_INDEX), `${JSON.stringify(index, null, 2)}\n`);
        },
        () => existing(target, source) !== undefined,
      );
      return { dir: target, config, status: outcome === 'written' ? 'converted' : 'converted_by_another' };
    } catch (error) {
      throw isModelFileError(error) ? error : conversionFailed(path, error);
    } finally {
      checkpoint.close();
    }
  });
}

/** The finished conversion of the ControlNet at `path` in `outDir`, if there is one: a check that converts nothing. */
export function upToDateControlNet(path: string, outDir: string): ConvertedControlNet | undefined {
  const dir = resolve(outDir);
  const config = existing(dir, controlNetSource(path));
  return config && { dir, config, status: 'up_to_date' };
}

/** What identifies the source: the file's fingerprint, or a folder's name and its weight file's. */
function controlNetSource(path: string): Record<string, unknown> {
  if (!isControlNetFolder(path)) return fingerprintFile(path);
  const weights = controlNetFolderWeights(path);
  if (!weights) throw modelIncomplete(path, [CONTROLNET_FOLDER_WEIGHTS[0]]);
  return { folder: basename(path), weights: fingerprintFile(weights) };
}

/** The config of a finished conversion of `source` in `dir`, if there is one. */
function existing(dir: string, source: Record<string, unknown>): UnetConfig | undefined {
  const index = readModelIndex(dir);
  if (index?.format !== CONTROLNET_FORMAT || index.formatVersion !== CONTROLNET_FORMAT_VERSION) return undefined;
  return JSON.stringify(index.source) === JSON.stringify(source) ? (index.config as UnetConfig) : undefined;
}
