import type { VaeHandle } from '../../nodes/lib/sd-types.ts';
import { fakeSession } from './fake-context.ts';

export const vae: VaeHandle = { model: 'fake', backend: 'cpu', encoder: '/m/vae_encoder.onnx', decoder: '/m/vae_decoder.onnx' };

/** Fake encoder: latent channel c at (y, x) = mean of the 8x8 block of image channel min(c, 2), plus 1. */
export const encoder = fakeSession(
  vae.encoder!,
  { inputs: [{ name: 'sample', type: 'float32', dims: ['b', 3, 'H', 'W'] }], outputs: [{ name: 'latent_sample', type: 'float32', dims: [] }, { name: 'latent_logvar', type: 'float32', dims: [] }] },
  async (feeds) => {
    const [b, , H, W] = feeds.sample.dims;
    const x = feeds.sample.data as Float32Array;
    const h = H / 8, w = W / 8;
    const out = new Float32Array(b * 4 * h * w);
    for (let n = 0; n < b; n++) for (let c = 0; c < 4; c++) for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) {
      let sum = 0;
      for (let dy = 0; dy < 8; dy++) for (let dx = 0; dx < 8; dx++) sum += x[((n * 3 + Math.min(c, 2)) * H + y * 8 + dy) * W + xx * 8 + dx];
      out[((n * 4 + c) * h + y) * w + xx] = sum / 64 + 1;
    }
    return { latent_sample: { type: 'float32', data: out, dims: [b, 4, h, w] }, latent_logvar: { type: 'float32', data: out, dims: [b, 4, h, w] } };
  },
);

/** Fake decoder: every pixel of image channel c = latent channel c at its 8x8 block. */
export const decoder = fakeSession(
  vae.decoder,
  { inputs: [{ name: 'latent_sample', type: 'float32', dims: ['b', 4, 'h', 'w'] }], outputs: [{ name: 'sample', type: 'float32', dims: [] }] },
  async (feeds) => {
    const [b, , h, w] = feeds.latent_sample.dims;
    const z = feeds.latent_sample.data as Float32Array;
    const out = new Float32Array(b * 3 * h * 8 * w * 8);
    for (let n = 0; n < b; n++) for (let c = 0; c < 3; c++) for (let y = 0; y < h * 8; y++) for (let x = 0; x < w * 8; x++) {
      out[((n * 3 + c) * h * 8 + y) * w * 8 + x] = z[((n * 4 + c) * h + Math.floor(y / 8)) * w + Math.floor(x / 8)];
    }
    return { sample: { type: 'float32', data: out, dims: [b, 3, h * 8, w * 8] } };
  },
);

export const sessions = { [vae.encoder!]: encoder, [vae.decoder]: decoder };
