import jpeg from 'jpeg-js';
import { decodePng, isPng } from './png.ts';
import type { Pixels } from './png.ts';
import { imageFromPixels } from './image.ts';
import type { ImageBatch } from './image.ts';
import { MAX_IMAGE_PIXELS } from './image-dimensions.ts';

function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/** Decodes a PNG or JPEG file's bytes (recognised by content, not by name) into its pixels, alpha kept. */
export function decodePixels(bytes: Uint8Array): Pixels {
  if (isPng(bytes)) return decodePng(bytes);
  if (isJpeg(bytes)) {
    let decoded: { width: number; height: number; data: Uint8Array };
    try {
      decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6, maxMemoryUsageInMB: 512 });
    } catch (error) {
      // jpeg-js reports a file without scan data as a TypeError from deep inside; name the fault instead.
      throw new Error(`corrupt or incomplete JPEG (${error instanceof Error ? error.message : String(error)})`, { cause: error });
    }
    return { width: decoded.width, height: decoded.height, channels: 3, data: decoded.data };
  }
  throw new Error('not a PNG or JPEG file');
}

/** Decodes a PNG or JPEG file's bytes into a one-image RGB batch (alpha dropped). */
export function decodeImageFile(bytes: Uint8Array): ImageBatch {
  return imageFromPixels(decodePixels(bytes));
}
