import { encodePng } from './png.ts';
import type { Preview } from '../../runtime/index.ts';

/** SD 1.5 latent channel -> approximate RGB contribution (rows: latent channels 0..3). */
const LATENT_RGB_FACTORS = [
  [0.3512, 0.2297, 0.3227],
  [0.325, 0.4974, 0.235],
  [-0.2829, 0.1762, 0.2721],
  [-0.212, -0.2616, -0.7177],
];

/**
 * A rough RGB picture of a latent [B, 4, h, w] at latent resolution (no upscaling): the batch
 * side by side, each pixel RGB = latent . factors, mapped from [-1, 1] to bytes.
 */
export function latentToRgb(latent: Float32Array, shape: readonly number[]): { width: number; height: number; data: Uint8Array } {
  const [batch, channels, h, w] = shape;
  if (channels !== 4) throw new Error(`latent preview needs 4 latent channels, got shape [${shape.join(', ')}]`);
  const plane = h * w;
  const width = w * batch;
  const data = new Uint8Array(width * h * 3);
  for (let b = 0; b < batch; b++) {
    for (let p = 0; p < plane; p++) {
      const o = ((Math.floor(p / w) * width) + b * w + (p % w)) * 3;
      for (let c = 0; c < 3; c++) {
        let v = 0;
        for (let k = 0; k < 4; k++) v += latent[(b * 4 + k) * plane + p] * LATENT_RGB_FACTORS[k][c];
        data[o + c] = Math.round(Math.min(1, Math.max(0, (v + 1) / 2)) * 255);
      }
    }
  }
  return { width, height: h, data };
}

/** The cheap PNG preview of a latent, as a node emits it through `ctx.preview`: uncompressed, since one goes out every step. */
export function latentPreviewImage(latent: Float32Array, shape: readonly number[], step?: number): Preview {
  const rgb = latentToRgb(latent, shape);
  const png = encodePng({ ...rgb, channels: 3 }, { compress: false });
  return { kind: 'image', mime: 'image/png', data: png, width: rgb.width, height: rgb.height, ...(step === undefined ? {} : { step }) };
}
