import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SD15Config } from '../sd15/index.ts';
import { fingerprintSource, openModelSource } from './open-model-source.ts';
import { conversionFailed, isModelFileError } from '../checkpoint/errors.ts';
import { checkTensors } from './check-tensors.ts';
import { calibrateUnet, DEFAULT_CALIBRATION, type CalibrationPlan } from './calibrate-unet.ts';
import { MODEL_INDEX, readModelIndex } from './fingerprint.ts';
import { writeFolderAtomically } from './staging.ts';
import { withTargetLock } from './target-lock.ts';
import { networkFile, writeNetworks, type UnetWeights } from './write-networks.ts';
import type { ConvertProgress } from './progress.ts';
import { BUNDLED_TOKENIZER_DIR, TOKENIZER_FILES } from '../tokenizer/tokenizer-files.ts';

export { UNET_WEIGHTS } from './write-networks.ts';
export type { NetworkName, UnetWeights } from './write-networks.ts';
export type { CalibrationProgress, ConvertProgress, WriteProgress } from './progress.ts';
export { calibrateUnet, DEFAULT_CALIBRATION } from './calibrate-unet.ts';
export type { CalibrationPlan } from './calibrate-unet.ts';

/**
 * The UNet weights of a conversion that does not choose them (`latentflow convert`, LoadModel on CPU):
 * int8-static, which `npm run bench` measured as the fastest UNet within the documented tolerance
 * (docs/performance.md). Its calibration makes the conversion minutes longer, once.
 */
export const DEFAULT_UNET_WEIGHTS: UnetWeights = 'int8-static';

/**
 * The default UNet weights for a backend. GPU providers lack the int8 operators (ConvInteger,
 * DynamicQuantizeMatMul) and would hand them back to the CPU, so they get float weights.
 */
export const defaultUnetWeightsFor = (backend: string): UnetWeights => (backend === 'cpu' ? DEFAULT_UNET_WEIGHTS : 'float');

/** Bumped when the converter's output changes, so older conversions are redone. */
const CONVERTED_FORMAT_VERSION = 1;
const CONVERTED_FORMAT = 'latentflow-sd15-onnx';

export interface ConvertOptions {
  /** Store float weights as float16 (computed in float32): half the disk space. */
  fp16?: boolean;
  /** int8 weights for the UNet's linear layers or for its convolutions too; default DEFAULT_UNET_WEIGHTS. */
  unetWeights?: UnetWeights;
  /** For `int8-static`: the sampling runs the activation ranges are measured on; default DEFAULT_CALIBRATION. */
  calibration?: CalibrationPlan;
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
  /** int8 in place of `weights` for the quantised UNet layers. */
  unetWeights: UnetWeights;
  config: SD15Config;
  files: { textEncoder: string; unet: string; vaeEncoder: string; vaeDecoder: string; tokenizer: string };
}

/**
 * Converts a `.ckpt`/`.pt`/`.bin`/`.safetensors` SD 1.x checkpoint (original or diffusers names, zip or
 * legacy torch format), or a diffusers PyTorch folder, into a folder of ONNX models (diffusers
 * ONNX layout). Sizes are inferred from the tensors. The folder appears complete or not at all;
 * converting the same checkpoint again is a no-op.
 */
export function convertCheckpoint(path: string, outDir: string, options: ConvertOptions = {}): Promise<ConvertResult> {
  const target = resolve(outDir);
  return withTargetLock(target, async () => {
    const choices = weightChoices(options);
    const source = conversionSource(options.sourceId ?? fingerprintFile(path), options);
    const current = existingConversion(target, source);
    if (current) return { dir: target, config: current.config, status: 'up_to_date' };

    const checkpoint = openModelSource(path);
    try {
      const { config } = checkTensors(checkpoint);
      const index = modelIndex(config, source, choices);
      const outcome = await writeFolderAtomically(
        target,
        async (staging) => {
          const read = (key: string) => checkpoint.readSync(key);
          const tokenizerDir = options.tokenizerDir ?? BUNDLED_TOKENIZER_DIR;
          const activationRanges = choices.unetWeights === 'int8-static'
            ? await calibrateUnet(config, read, staging, tokenizerDir, options.calibration, options.onProgress)
            : undefined;
          writeNetworks(staging, config, read, {
            fp16: options.fp16, unetWeights: choices.unetWeights, activationRanges, onProgress: options.onProgress,
          });
          copyTokenizer(tokenizerDir, join(staging, 'tokenizer'));
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

const fingerprintFile = fingerprintSource;

type WeightOptions = Pick<ConvertOptions, 'fp16' | 'unetWeights'>;
type WeightChoices = Pick<ConvertedModelIndex, 'weights' | 'unetWeights'>;

const weightChoices = (options: WeightOptions): WeightChoices => ({
  weights: options.fp16 ? 'float16' : 'float32',
  unetWeights: options.unetWeights ?? DEFAULT_UNET_WEIGHTS,
});

/** The options that convert again with the weight types of an existing conversion. */
export const weightOptionsOf = (index: WeightChoices): WeightOptions => ({
  fp16: index.weights === 'float16',
  unetWeights: index.unetWeights,
});

/**
 * What a conversion records as its source: the checkpoint's identity and the stored weight types, and for
 * int8-static the calibration plan (another plan gives other scales).
 */
export const conversionSource = (id: Record<string, unknown>, options: WeightOptions & Pick<ConvertOptions, 'calibration'> = {}): Record<string, unknown> => {
  const choices = weightChoices(options);
  const calibration = choices.unetWeights === 'int8-static' ? { calibration: options.calibration ?? DEFAULT_CALIBRATION } : {};
  return { ...id, ...choices, ...calibration };
};

/** The complete conversion of the checkpoint at `path` already in `outDir`, if any: a check that converts nothing. */
export function upToDateConversion(path: string, outDir: string, options: WeightOptions & Pick<ConvertOptions, 'sourceId'> = {}): ConvertedModelIndex | undefined {
  return existingConversion(resolve(outDir), conversionSource(options.sourceId ?? fingerprintFile(path), options));
}

/** The index of a complete conversion by this converter version in `dir` (of `source`, when given). */
export function existingConversion(dir: string, source?: Record<string, unknown>): ConvertedModelIndex | undefined {
  const index = readModelIndex(dir) as ConvertedModelIndex | undefined;
  if (index?.format !== CONVERTED_FORMAT || index.formatVersion !== CONVERTED_FORMAT_VERSION) return undefined;
  if (source && JSON.stringify(index.source) !== JSON.stringify(source)) return undefined;
  const complete = Object.values(index.files).every((file) => existsSync(join(dir, file)));
  return complete ? index : undefined;
}

function modelIndex(config: SD15Config, source: Record<string, unknown>, choices: WeightChoices): ConvertedModelIndex {
  return {
    format: CONVERTED_FORMAT,
    formatVersion: CONVERTED_FORMAT_VERSION,
    source,
    ...choices,
    config,
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
export { DIFFUSERS_WEIGHTS } from './diffusers-folder.ts';
export { CONTROLNET_FILE, convertControlNet } from './controlnet.ts';
export type { ConvertedControlNet } from './controlnet.ts';
export { CONTROLNET_DIR, controlNetWeightsFile, findControlNet, listControlNets, resolveControlNet } from './controlnet-files.ts';
