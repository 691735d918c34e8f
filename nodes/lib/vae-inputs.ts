import { imageSizeNotMultipleOf8, tileOverlapInvalid, vaeEncoderMissing } from './errors.ts';
import type { ImageBatch, VaeHandle } from './sd-types.ts';

/** The VAE encoder's path, or the error that says the model has none. */
export function vaeEncoderOf(vae: VaeHandle): string {
  if (!vae.encoder) throw vaeEncoderMissing(vae.model);
  return vae.encoder;
}

/** Fails unless both image sides are multiples of 8, as the VAE needs. */
export function checkEncodable(image: ImageBatch): void {
  if (image.width % 8 !== 0 || image.height % 8 !== 0) throw imageSizeNotMultipleOf8(image.width, image.height);
}

/** Fails unless a tiling's tile is larger than its overlap. */
export function checkTiling(tile: number, overlap: number): void {
  if (overlap >= tile) throw tileOverlapInvalid(tile, overlap);
}
