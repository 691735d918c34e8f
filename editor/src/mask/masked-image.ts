import { EditorError } from '../errors.ts';
import { encodeRgbaPng, type Rgba } from './rgba-png.ts';

/** A painted mask: one byte per pixel, 255 where the image is to be repainted, 0 where it is kept. */
export interface MaskBitmap {
  width: number;
  height: number;
  data: Uint8Array;
}

/** The text key naming the upload a masked image was painted over, so the painter reopens it with the original colours. */
export const MASK_SOURCE_KEY = 'latentflow-mask-source';

/** The mask an image's alpha channel holds, as LoadImage reads it: transparent = 255 (repaint). */
export function maskFromAlpha(pixels: Rgba): MaskBitmap {
  const data = new Uint8Array(pixels.width * pixels.height);
  for (let i = 0; i < data.length; i++) data[i] = 255 - pixels.data[i * 4 + 3];
  return { width: pixels.width, height: pixels.height, data };
}

/** The share of pixels the mask repaints (any value above 0), 0 to 1. */
export function maskCoverage(mask: MaskBitmap): number {
  let count = 0;
  for (const v of mask.data) if (v > 0) count++;
  return count / mask.data.length;
}

/**
 * The image with the mask in its alpha channel, the way ComfyUI's mask editor stores it: alpha = 255 - mask,
 * colours kept under the mask. `source` (the upload it was painted on) goes into a text chunk.
 */
export function maskedPng(picture: Rgba, mask: MaskBitmap, source?: string): Promise<Uint8Array> {
  if (picture.width !== mask.width || picture.height !== mask.height) {
    throw new EditorError('bad_mask', `the mask is ${mask.width}x${mask.height} but the image ${picture.width}x${picture.height}`);
  }
  const data = new Uint8Array(picture.data);
  for (let i = 0; i < mask.data.length; i++) data[i * 4 + 3] = 255 - mask.data[i];
  return encodeRgbaPng({ width: picture.width, height: picture.height, data }, source === undefined ? {} : { [MASK_SOURCE_KEY]: source });
}
