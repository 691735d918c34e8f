import { existsSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { conversionFailed, isModelFileError } from '../checkpoint/errors.ts';
import { openCheckpoint } from '../checkpoint/open-checkpoint.ts';
import { RandomAccessFile } from '../checkpoint/random-access-file.ts';
import { fingerprintOf, MODEL_INDEX, readModelIndex } from '../convert/fingerprint.ts';
import { writeFolderAtomically } from '../convert/staging.ts';
import { withTargetLock } from '../convert/target-lock.ts';
import { writeOnnxModel } from '../onnx/index.ts';
import { buildRrdbnet } from './rrdbnet.ts';
import { outputScale, type RrdbnetConfig } from './rrdbnet-config.ts';
import { readRrdbnetLayout } from './rrdbnet-layout.ts';

const FORMAT = 'latentflow-rrdbnet-onnx';
/** Bumped when the builder's output changes, so older conversions are redone. */
const FORMAT_VERSION = 1;
export const UPSCALE_MODEL_FILE = 'model.onnx';

export interface ConvertedUpscaleModel {
  format: typeof FORMAT;
  formatVersion: number;
  source: Record<string, unknown>;
  layout: 'basicsr' | 'esrgan';
  config: RrdbnetConfig;
  scale: number;
}

export interface UpscaleModelFiles {
  dir: string;
  model: string;
  index: ConvertedUpscaleModel;
  status: 'converted' | 'up_to_date' | 'converted_by_another';
}

/**
 * Converts an RRDBNet `.pth`/`.safetensors` into `outDir/model.onnx` once: the folder records the
 * source's fingerprint (size, mtime, header hash), so converting an unchanged file again is a no-op,
 * and it appears complete or not at all.
 */
export function convertUpscaleModel(path: string, outDir: string): Promise<UpscaleModelFiles> {
  const target = resolve(outDir);
  return withTargetLock(target, async () => {
    const source = fingerprintFile(path);
    const current = existingUpscaleConversion(target, source);
    if (current) return { dir: target, model: join(target, UPSCALE_MODEL_FILE), index: current, status: 'up_to_date' };
    const checkpoint = openCheckpoint(path);
    try {
      const { layout, config, fileKey } = readRrdbnetLayout(path, checkpoint.tensors);
      const index: ConvertedUpscaleModel = { format: FORMAT, formatVersion: FORMAT_VERSION, source, layout, config, scale: outputScale(config) };
      const outcome = await writeFolderAtomically(
        target,
        async (staging) => {
          const model = buildRrdbnet(config, (name) => checkpoint.readSync(fileKey(name)));
          writeOnnxModel(model, join(staging, UPSCALE_MODEL_FILE), { externalData: false });
          writeFileSync(join(staging, MODEL_INDEX), `${JSON.stringify(index, null, 2)}\n`);
        },
        () => existingUpscaleConversion(target, source) !== undefined,
      );
      const status = outcome === 'written' ? 'converted' : 'converted_by_another';
      return { dir: target, model: join(target, UPSCALE_MODEL_FILE), index, status };
    } catch (error) {
      throw isModelFileError(error) ? error : conversionFailed(path, error);
    } finally {
      checkpoint.close();
    }
  });
}

function fingerprintFile(path: string): Record<string, unknown> {
  const file = RandomAccessFile.open(path);
  try {
    return { ...fingerprintOf(file, basename(path)) };
  } finally {
    file.close();
  }
}

function existingUpscaleConversion(dir: string, source: Record<string, unknown>): ConvertedUpscaleModel | undefined {
  const index = readModelIndex(dir) as ConvertedUpscaleModel | undefined;
  if (index?.format !== FORMAT || index.formatVersion !== FORMAT_VERSION) return undefined;
  if (JSON.stringify(index.source) !== JSON.stringify(source)) return undefined;
  return existsSync(join(dir, UPSCALE_MODEL_FILE)) ? index : undefined;
}
