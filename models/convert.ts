import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { SD15Config } from './sd15/index.ts';
import { openCheckpoint } from './checkpoint/open-checkpoint.ts';
import { RandomAccessFile } from './checkpoint/random-access-file.ts';
import { conversionFailed, isModelFileError } from './checkpoint/errors.ts';
import { checkTensors } from './convert/check-tensors.ts';
import { fingerprintOf, MODEL_INDEX, readModelIndex } from './convert/fingerprint.ts';
import { writeFolderAtomically } from './convert/staging.ts';
import { withTargetLock } from './convert/target-lock.ts';
import { networkFile, writeNetworks, type ConvertProgress } from './convert/write-networks.ts';
import { BUNDLED_TOKENIZER_DIR, TOKENIZER_FILES } from './tokenizer/tokenizer-files.ts';

export type { ConvertProgress, NetworkName } from './convert/write-networks.ts';

/** Bumped when the converter's output changes, so older conversions are redone. */
const CONVERTED_FORMAT_VERSION = 1;
const CONVERTED_FORMAT = 'latentflow-sd15-onnx';

export interface ConvertOptions {
  /** Store weights as float16 (computed in float32): half the disk space. */
  fp16?: boolean;
  onProgress?: (progress: ConvertProgress) => void;
  /** Folder with the CLIP `vocab.json` and `merges.txt`; default the repository's `data/`. */
  tokenizerDir?: string;
  /** Identifies the source in place of the file's fingerprint (e.g. a generated checkpoint). */
  sourceId?: Record<string, unknown>;
}

export interface ConvertResult {
  dir: string;
  config: SD15Config;
  /** `up_to_date`: the folder already held this conversion; nothing was written. */
  status: 'converted' | 'up_to_date' | 'converted_by_another';
}

/** What `model_index.json` of a converted folder holds. */
export interface ConvertedModelIndex {
  format: typeof CONVERTED_FORMAT;
  formatVersion: number;
  source: Record<string, unknown>;
  weights: 'float32' | 'float16';
  config: SD15Config;
  unetTimestepType: 'float32';
  files: { textEncoder: string; unet: string; vaeEncoder: string; vaeDecoder: string; tokenizer: string };
}

/**
 * Converts a `.ckpt`/`.safetensors` SD 1.x checkpoint into a folder of ONNX models (diffusers
 * ONNX layout). Sizes are inferred from the tensors. The folder appears complete or not at all;
 * converting the same checkpoint again is a no-op.
 */
export function convertCheckpoint(path: string, outDir: string, options: ConvertOptions = {}): Promise<ConvertResult> {
  const target = resolve(outDir);
  return withTargetLock(target, async () => {
    const source = conversionSource(options.sourceId ?? fingerprintFile(path), options.fp16);
    const current = existingConversion(target, source);
    if (current) return { dir: target, config: current.config, status: 'up_to_date' };

    const checkpoint = openCheckpoint(path);
    try {
      const { config } = checkTensors(checkpoint);
      const index = modelIndex(config, source, options.fp16 === true);
      const outcome = await writeFolderAtomically(
        target,
        async (staging) => {
          writeNetworks(staging, config, (key) => checkpoint.readSync(key), options);
          copyTokenizer(options.tokenizerDir ?? BUNDLED_TOKENIZER_DIR, join(staging, 'tokenizer'));
          writeFileSync(join(staging, MODEL_INDEX), `${JSON.stringify(index, null, 2)}\n`);
        },
        () => existingConversion(target, source) !== undefined,
      );
      return { dir: target, config, status: outcome === 'written' ? 'converted' : 'converted_by_another' };
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

/** What a conversion records as its source: the checkpoint's identity and the stored weight type. */
export const conversionSource = (id: Record<string, unknown>, fp16 = false): Record<string, unknown> => ({
  ...id,
  weights: fp16 ? 'float16' : 'float32',
});

/** The complete conversion of the checkpoint at `path` already in `outDir`, if any: a check that converts nothing. */
export function upToDateConversion(path: string, outDir: string, options: Pick<ConvertOptions, 'fp16' | 'sourceId'> = {}): ConvertedModelIndex | undefined {
  return existingConversion(resolve(outDir), conversionSource(options.sourceId ?? fingerprintFile(path), options.fp16));
}

/** The index of a complete conversion by this converter version in `dir` (of `source`, when given). */
export function existingConversion(dir: string, source?: Record<string, unknown>): ConvertedModelIndex | undefined {
  const index = readModelIndex(dir) as ConvertedModelIndex | undefined;
  if (index?.format !== CONVERTED_FORMAT || index.formatVersion !== CONVERTED_FORMAT_VERSION) return undefined;
  if (source && JSON.stringify(index.source) !== JSON.stringify(source)) return undefined;
  const complete = Object.values(index.files).every((file) => existsSync(join(dir, file)));
  return complete ? index : undefined;
}

function modelIndex(config: SD15Config, source: Record<string, unknown>, fp16: boolean): ConvertedModelIndex {
  return {
    format: CONVERTED_FORMAT,
    formatVersion: CONVERTED_FORMAT_VERSION,
    source,
    weights: fp16 ? 'float16' : 'float32',
    config,
    unetTimestepType: 'float32',
    files: {
      textEncoder: networkFile('text_encoder'),
      unet: networkFile('unet'),
      vaeEncoder: networkFile('vae_encoder'),
      vaeDecoder: networkFile('vae_decoder'),
      tokenizer: 'tokenizer',
    },
  };
}

function copyTokenizer(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of TOKENIZER_FILES) copyFileSync(join(from, name), join(to, name));
}
