import type { ImageBatch } from './image.ts';
import { maskPlane, resizeMask, type Mask } from './mask.ts';

/**
 * `source` laid over `destination` with its top-left corner at (x, y): out = dst * (1 - m) + src * m over the overlap,
 * m the mask resized to the source's size (1 everywhere without one), rounded to bytes. The result has the destination's
 * size and batch; a source or mask with fewer images repeats its last.
 */
export function compositeImages(destination: ImageBatch, source: ImageBatch, x: number, y: number, mask?: Mask): ImageBatch {
  const { width, height } = destination;
  const data = Uint8Array.from(destination.data);
  const weights = mask && resizeMask(mask, source.width, source.height);
  const sourceSize = source.width * source.height * 3;
  for (let b = 0; b < destination.batch; b++) {
    const src = source.data.subarray(Math.min(b, source.batch - 1) * sourceSize);
    const m = weights && maskPlane(weights, b);
    for (let sy = Math.max(0, -y); sy < source.height && sy + y < height; sy++) {
      for (let sx = Math.max(0, -x); sx < source.width && sx + x < width; sx++) {
        const w = m ? Math.min(1, Math.max(0, m[sy * source.width + sx])) : 1;
        const o = ((b * height + sy + y) * width + sx + x) * 3;
        const s = (sy * source.width + sx) * 3;
        for (let c = 0; c < 3; c++) data[o + c] = Math.round(data[o + c] * (1 - w) + src[s + c] * w);
      }
    }
  }
  return { width, height, batch: destination.batch, data };
}
