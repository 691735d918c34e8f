import { LatentflowError } from '../../runtime/index.ts';
import type { ImageBatch, VaeHandle } from './sd-types.ts';

/** The VAE encoder's path, or the error that says the model has none. */
export function vaeEncoderOf(vae: VaeHandle): string {
  if (!vae.encoder) {
    throw new LatentflowError('invalid_value', `model "${vae.model}" has no VAE encoder (vae_encoder/model.onnx), so it cannot encode images`, { input: 'vae' });
  }
  return vae.encoder;
}

/** Fails unless both image sides are multiples of 8, as the VAE needs. */
export function checkEncodable(image: ImageBatch, input = 'image'): void {
  if (image.width % 8 !== 0 || image.height % 8 !== 0) {
    throw new LatentflowError('invalid_value', `image is ${image.width}x${image.height}; VAE encoding needs multiples of 8`, { input });
  }
}

/** Fails unless a tiling's tile is larger than its overlap. */
export function checkTiling(tile: number, overlap: number): void {
  if (overlap >= tile) {
    throw new LatentflowError('invalid_value', `overlap ${overlap} must be smaller than tile_size ${tile}`, { input: 'overlap' });
  }
}
