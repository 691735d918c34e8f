import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calibrateUnet, DEFAULT_CALIBRATION, type CalibrationPlan } from '../../models/convert/index.ts';
import { writeOnnxModel } from '../../models/onnx/index.ts';
import { buildUnet, calibratedScales, FULL_SD15_CONFIG } from '../../models/sd15/index.ts';
import { fullSizeWeights } from '../full-size.ts';

const TOKENIZER_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

export interface StaticUnetArgs {
  dir: string;
  /** Sampling steps per calibration prompt (the conversion's default: DEFAULT_CALIBRATION.steps). */
  steps?: number;
}

/**
 * Calibrates the full-size random UNet as `convert --unet int8-static` does (its text encoder and sampling
 * runs) and writes the int8-static UNet from the same weights as the other full-size networks.
 */
export async function staticUnet(args: StaticUnetArgs): Promise<{ path: string; calibrationMs: number; calibrationCalls: number; buildMs: number }> {
  const plan: CalibrationPlan = { ...DEFAULT_CALIBRATION, steps: args.steps ?? DEFAULT_CALIBRATION.steps };
  const weights = fullSizeWeights();
  mkdirSync(args.dir, { recursive: true });
  const started = performance.now();
  const activationRanges = await calibrateUnet(FULL_SD15_CONFIG, weights, args.dir, TOKENIZER_DIR, plan);
  const calibrated = performance.now();
  const path = join(args.dir, 'unet-int8-static.onnx');
  writeOnnxModel(buildUnet(FULL_SD15_CONFIG.unet, weights, { quantization: 'int8-static', activationScales: calibratedScales(activationRanges) }), path, { externalData: true });
  return { path, calibrationMs: calibrated - started, calibrationCalls: plan.prompts.length * plan.steps, buildMs: performance.now() - calibrated };
}

/** The full-size fp32 UNet from the same weights, as `convert --unet float` writes it. */
export async function floatUnet(args: { dir: string }): Promise<{ path: string }> {
  mkdirSync(args.dir, { recursive: true });
  const path = join(args.dir, 'unet-float32.onnx');
  writeOnnxModel(buildUnet(FULL_SD15_CONFIG.unet, fullSizeWeights()), path, { externalData: true });
  return { path };
}
