import type { ImageBatch } from './image.ts';

/** An image batch as planar floats [batch * 3, h, w], values 0..255. */
export function imageToPlanes(image: ImageBatch): Float32Array {
  const plane = image.width * image.height;
  const out = new Float32Array(image.batch * 3 * plane);
  for (let b = 0; b < image.batch; b++) {
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) out[(b * 3 + c) * plane + p] = image.data[(b * plane + p) * 3 + c];
    }
  }
  return out;
}

/** Planar floats (0..255) back to 8-bit RGB, rounded and clamped. */
export function planesToImage(planes: Float32Array, batch: number, width: number, height: number): ImageBatch {
  const plane = width * height;
  const data = new Uint8Array(batch * plane * 3);
  for (let b = 0; b < batch; b++) {
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) data[(b * plane + p) * 3 + c] = Math.min(255, Math.max(0, Math.round(planes[(b * 3 + c) * plane + p])));
    }
  }
  return { width, height, batch, data };
}
