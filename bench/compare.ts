import { readFileSync, writeFileSync } from 'node:fs';

/**
 * max |a - b| / max |reference|: the worst error relative to the output's scale (an element-wise
 * ratio is meaningless where the reference is near zero).
 */
export function maxRelativeError(values: Float32Array, reference: Float32Array): number {
  if (values.length !== reference.length) throw new Error(`cannot compare ${values.length} values with ${reference.length}`);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < values.length; i++) {
    worst = Math.max(worst, Math.abs(values[i] - reference[i]));
    scale = Math.max(scale, Math.abs(reference[i]));
  }
  return worst / scale;
}

/** PSNR in dB of two images in [-1, 1] (as the VAE decodes them), clamped and compared on [0, 1]. */
export function psnr(image: Float32Array, reference: Float32Array): number {
  if (image.length !== reference.length) throw new Error(`cannot compare ${image.length} pixels with ${reference.length}`);
  const unit = (v: number) => Math.min(1, Math.max(0, (v + 1) / 2));
  let squared = 0;
  for (let i = 0; i < image.length; i++) squared += (unit(image[i]) - unit(reference[i])) ** 2;
  const mse = squared / image.length;
  return mse === 0 ? Infinity : 10 * Math.log10(1 / mse);
}

export function writeFloats(path: string, values: Float32Array): void {
  writeFileSync(path, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

export function readFloats(path: string): Float32Array {
  const bytes = readFileSync(path);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
