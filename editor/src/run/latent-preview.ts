import { EditorError } from '../errors.ts';

/**
 * Cheap preview of an SD 1.5 latent: per pixel RGB = latent . F, then (v + 1) / 2, clamped.
 * F's rows are the four latent channels (factors from shared/sd15/ARCHITECTURE.md).
 */
const FACTORS = [
  [0.3512, 0.2297, 0.3227],
  [0.3250, 0.4974, 0.2350],
  [-0.2829, 0.1762, 0.2721],
  [-0.2120, -0.2616, -0.7177],
];

export interface RgbaImage { width: number; height: number; data: Uint8ClampedArray }

/** Renders the first latent of a `[B,4,h,w]` or `[4,h,w]` batch as RGBA pixels. */
export function latentToRgba(values: Float32Array, shape: readonly number[]): RgbaImage {
  const [channels, height, width] = shape.slice(-3);
  if (channels !== 4 || !height || !width) throw new EditorError('bad_latent', `latent preview expects 4 channels, got shape [${shape.join(', ')}]`);
  const plane = width * height;
  if (values.length < 4 * plane) throw new EditorError('bad_latent', `latent preview: ${values.length} values for shape [${shape.join(', ')}]`);
  const data = new Uint8ClampedArray(plane * 4);
  for (let p = 0; p < plane; p++) {
    for (let rgb = 0; rgb < 3; rgb++) {
      let v = 0;
      for (let c = 0; c < 4; c++) v += values[c * plane + p] * FACTORS[c][rgb];
      data[p * 4 + rgb] = ((v + 1) / 2) * 255;
    }
    data[p * 4 + 3] = 255;
  }
  return { width, height, data };
}
