import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ModelFileError } from '../../models/checkpoint/index.ts';
import type { ModelFiles } from '../../models/model-folder.ts';
import { FULL_SD15_CONFIG, type SD15Config } from '../../models/sd15/index.ts';

/** SD 1.5 was trained at 512x512. */
export const SD15_IMAGE_SIZE = 512;
/** Our toy-sized models (the random tiny one, the trained shapes-tiny) are made for 64x64 images. */
export const TINY_IMAGE_SIZE = 64;
const VAE_FACTOR = 8;

/**
 * The image side a converted model was trained at. Model folders record sizes, not the training
 * resolution, so a UNet narrower than SD 1.5's is taken for one of our toy models.
 */
export function nativeSizeOfConfig(config: SD15Config): number {
  return config.unet.channels[0] >= FULL_SD15_CONFIG.unet.channels[0] ? SD15_IMAGE_SIZE : TINY_IMAGE_SIZE;
}

/** From the converter's config when there is one, else from a diffusers export's `unet/config.json` (`sample_size` latents), else 512. */
export async function nativeImageSize(files: Pick<ModelFiles, 'config' | 'unet'>): Promise<number> {
  if (files.config) return nativeSizeOfConfig(files.config);
  const configPath = join(dirname(files.unet), 'config.json');
  let text: string;
  try {
    text = await readFile(configPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return SD15_IMAGE_SIZE;
    throw error;
  }
  let sampleSize: unknown;
  try {
    sampleSize = (JSON.parse(text) as { sample_size?: unknown }).sample_size;
  } catch (cause) {
    throw new ModelFileError('model_corrupt', `${configPath} is not valid JSON`, { path: configPath, cause });
  }
  if (sampleSize === undefined) return SD15_IMAGE_SIZE;
  if (!Number.isInteger(sampleSize) || (sampleSize as number) <= 0) {
    throw new ModelFileError('model_corrupt', `${configPath}: sample_size must be a positive integer, got ${JSON.stringify(sampleSize)}`, {
      path: configPath,
    });
  }
  return (sampleSize as number) * VAE_FACTOR;
}
