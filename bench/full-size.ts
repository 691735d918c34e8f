import { statSync } from 'node:fs';
import { join } from 'node:path';
import { stableDiffusionExtras, syntheticTensors, syntheticValues, writeCkpt } from '../models/checkpoint/index.ts';
import { writeOnnxModel } from '../models/onnx/index.ts';
import { buildUnet, buildVaeDecoder, expectedTensors, FULL_SD15_CONFIG } from '../models/sd15/index.ts';
import { createNoise } from '../models/noise.ts';
import type { Tensor } from '../runtime/backends/index.ts';

/** Random weights are as fast as real ones; every full-size network here uses this seed. */
const WEIGHT_SEED = 7;
const UNET_BATCH = 2;
const LATENT_SIDE = 64;

/** A full-size SD 1.5 checkpoint (fp32 .ckpt, > 4 GiB), written one tensor at a time. */
export function writeFullCheckpoint(path: string): number {
  writeCkpt(path, [...syntheticTensors(expectedTensors(FULL_SD15_CONFIG), { seed: WEIGHT_SEED }), ...stableDiffusionExtras()]);
  return statSync(path).size;
}

/** The checkpoint's random weights, computed without reading it. */
export function fullSizeWeights(): (key: string) => Float32Array {
  const shapes = expectedTensors(FULL_SD15_CONFIG);
  return (key: string) => syntheticValues(key, shapes.get(key)!, WEIGHT_SEED);
}

/** The full-size UNet with int8 weights, from the same random weights as the checkpoint. */
export function writeQuantizedUnet(dir: string, quantization: 'int8' | 'int8-matmul'): string {
  const weights = fullSizeWeights();
  const path = join(dir, `unet-${quantization}.onnx`);
  writeOnnxModel(buildUnet(FULL_SD15_CONFIG.unet, weights, { quantization }), path, { externalData: true });
  return path;
}

/** One classifier-free-guidance step's UNet input: batch 2, 64x64 latent (a 512x512 image). */
export function unetStepFeeds(): Record<string, Tensor> {
  const context = FULL_SD15_CONFIG.unet.contextDim;
  return {
    sample: { type: 'float32', data: createNoise(11).normal(UNET_BATCH * 4 * LATENT_SIDE ** 2), dims: [UNET_BATCH, 4, LATENT_SIDE, LATENT_SIDE] },
    timestep: { type: 'float32', data: Float32Array.of(500, 500), dims: [UNET_BATCH] },
    encoder_hidden_states: { type: 'float32', data: createNoise(12).normal(UNET_BATCH * 77 * context), dims: [UNET_BATCH, 77, context] },
  };
}

/** The full-size VAE decoder alone, from the same random weights as the checkpoint, as the converter writes it. */
export function writeFullVaeDecoder(path: string): string {
  const shapes = expectedTensors(FULL_SD15_CONFIG);
  writeOnnxModel(buildVaeDecoder(FULL_SD15_CONFIG.vae, (key) => syntheticValues(key, shapes.get(key)!, WEIGHT_SEED)), path, { externalData: 'auto' });
  return path;
}
