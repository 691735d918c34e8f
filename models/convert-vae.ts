import { writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildVaeDecoder, buildVaeEncoder, inferVae, vaeTensors, type VaeConfig } from './sd15/index.ts';
import { writeOnnxModel } from './onnx/index.ts';
import { conversionFailed, incompatibleCheckpoint, isModelFileError, ModelFileError, type ShapeMismatch } from './checkpoint/errors.ts';
import { isFloatDType, type TensorSource } from './checkpoint/types.ts';
import { fingerprintSource, openModelSource } from './convert/open-model-source.ts';
import { MODEL_INDEX, readModelIndex } from './convert/fingerprint.ts';
import { writeFolderAtomically } from './convert/staging.ts';
import { withTargetLock } from './convert/target-lock.ts';
import type { WriteProgress } from './convert/progress.ts';

const VAE_FORMAT = 'latentflow-sd15-vae-onnx';
const VAE_FORMAT_VERSION = 1;

/** What `model_index.json` of a converted VAE folder holds. */
export interface ConvertedVaeIndex {
  format: typeof VAE_FORMAT;
  formatVersion: number;
  source: Record<string, unknown>;
  config: VaeConfig;
  files: { vaeEncoder: string; vaeDecoder: string };
}

export interface ConvertVaeResult {
  dir: string;
  config: VaeConfig;
  status: 'converted' | 'up_to_date' | 'converted_by_another';
}

const FILES = { vaeEncoder: 'vae_encoder/model.onnx', vaeDecoder: 'vae_decoder/model.onnx' };

/** The index of a complete VAE conversion of `source` in `dir`, if any. */
export function existingVaeConversion(dir: string, source?: Record<string, unknown>): ConvertedVaeIndex | undefined {
  const index = readModelIndex(dir) as ConvertedVaeIndex | undefined;
  if (index?.format !== VAE_FORMAT || index.formatVersion !== VAE_FORMAT_VERSION) return undefined;
  if (source && JSON.stringify(index.source) !== JSON.stringify(source)) return undefined;
  return Object.values(index.files).every((file) => existsSync(join(dir, file))) ? index : undefined;
}

export const upToDateVaeConversion = (path: string, outDir: string) => existingVaeConversion(resolve(outDir), fingerprintSource(path));

/**
 * Converts a VAE file into the two VAE networks (`vae_encoder/`, `vae_decoder/`) the VAE nodes run:
 * a separate VAE (original names such as vae-ft-mse-840000-ema-pruned, or diffusers names) or the
 * VAE inside a full checkpoint. The folder appears complete or not at all.
 */
export function convertVae(path: string, outDir: string, options: { onProgress?: (progress: WriteProgress) => void } = {}): Promise<ConvertVaeResult> {
  const target = resolve(outDir);
  return withTargetLock(target, async () => {
    const source = fingerprintSource(path);
    const current = existingVaeConversion(target, source);
    if (current) return { dir: target, config: current.config, status: 'up_to_date' };
    const checkpoint = openModelSource(path);
    try {
      const config = checkVaeTensors(checkpoint);
      const index: ConvertedVaeIndex = { format: VAE_FORMAT, formatVersion: VAE_FORMAT_VERSION, source, config, files: FILES };
      const outcome = await writeFolderAtomically(
        target,
        async (staging) => {
          const weights = (key: string) => checkpoint.readSync(key);
          const networks = [
            { name: 'vae_encoder' as const, model: buildVaeEncoder(config, weights), file: FILES.vaeEncoder },
            { name: 'vae_decoder' as const, model: buildVaeDecoder(config, weights), file: FILES.vaeDecoder },
          ];
          let tensorsDone = 0;
          const tensorsTotal = networks.reduce((n, { model }) => n + model.graph.initializers.length, 0);
          for (const { name, model, file } of networks) {
            mkdirSync(join(staging, name), { recursive: true });
            writeOnnxModel(model, join(staging, file), {
              externalData: 'auto',
              weightType: 'float32',
              onProgress: ({ bytesWritten }) => options.onProgress?.({ phase: 'writing', network: name, tensorsDone: ++tensorsDone, tensorsTotal, bytesDone: bytesWritten, bytesTotal: 0 }),
            });
          }
          writeFileSync(join(staging, MODEL_INDEX), `${JSON.stringify(index, null, 2)}\n`);
        },
        () => existingVaeConversion(target, source) !== undefined,
      );
      return { dir: target, config, status: outcome === 'written' ? 'converted' : 'converted_by_another' };
    } catch (error) {
      throw isModelFileError(error) ? error : conversionFailed(path, error);
    } finally {
      checkpoint.close();
    }
  });
}

/** Infers the VAE's sizes and checks every tensor its networks need. */
function checkVaeTensors(source: TensorSource): VaeConfig {
  const shapes = new Map(source.tensors.filter((t) => isFloatDType(t.dtype)).map((t) => [t.name, t.shape]));
  let config: VaeConfig;
  try {
    config = inferVae(shapes);
  } catch (error) {
    throw new ModelFileError('checkpoint_missing_tensors', `${source.path} is not a Stable Diffusion 1.x VAE this converter accepts: ${(error as Error).message}`, {
      path: source.path,
      cause: error,
    });
  }
  const missing: string[] = [];
  const wrongShape: ShapeMismatch[] = [];
  for (const [name, expected] of vaeTensors(config)) {
    const actual = shapes.get(name);
    if (!actual) missing.push(name);
    else if (actual.length !== expected.length || actual.some((n, i) => n !== expected[i])) wrongShape.push({ name, expected, actual });
  }
  if (missing.length > 0 || wrongShape.length > 0) throw incompatibleCheckpoint(source.path, missing, wrongShape);
  return config;
}
