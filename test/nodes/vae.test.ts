import { describe, expect, it } from 'vitest';
import vaeDecode from '../../nodes/vae-decode.ts';
import vaeEncode from '../../nodes/vae-encode.ts';
import { LATENT_SCALE } from '../../nodes/lib/sd-types.ts';
import type { ImageBatch, VaeHandle } from '../../nodes/lib/sd-types.ts';
import { fakeContext, fakeSession } from './fake-context.ts';

const vae: VaeHandle = { model: 'fake', backend: 'cpu', encoder: '/m/vae_encoder.onnx', decoder: '/m/vae_decoder.onnx' };

/** Fake encoder: latent channel c at (y, x) = mean of the 8x8 block of image channel min(c, 2), plus 1. */
const encoder = fakeSession(
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
const decoder = fakeSession(
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

const sessions = { [vae.encoder!]: encoder, [vae.decoder]: decoder };

describe('VAEEncode', () => {
  it('feeds [-1, 1] NCHW pixels and scales the posterior mean by 0.18215', async () => {
    const image: ImageBatch = { width: 16, height: 8, batch: 1, data: new Uint8Array(16 * 8 * 3).fill(255) };
    const { latent } = await vaeEncode.execute({ vae, image }, await fakeContext({ sessions }));
    expect(latent.shape).toEqual([1, 4, 1, 2]);
    expect(latent.data[0]).toBeCloseTo(2 * LATENT_SCALE, 6);
    expect(encoder.calls.at(-1)!.sample.dims).toEqual([1, 3, 8, 16]);
  });

  it('fails clearly for a model without an encoder', async () => {
    const image: ImageBatch = { width: 8, height: 8, batch: 1, data: new Uint8Array(192) };
    await expect(vaeEncode.execute({ vae: { ...vae, encoder: undefined }, image }, await fakeContext({ sessions })))
      .rejects.toMatchObject({ code: 'vae_encoder_missing', input: 'vae', message: expect.stringContaining('no VAE encoder') });
  });
});

describe('VAEDecode', () => {
  it('divides by 0.18215, decodes one image at a time and maps [-1, 1] to bytes', async () => {
    // image 0 all channels 0 (-> 128 grey-ish), image 1 channel 0 at +1 (-> 255 red)
    const data = new Float32Array(2 * 4 * 1 * 1);
    data[4] = LATENT_SCALE;
    const ctx = await fakeContext({ sessions });
    const before = decoder.calls.length;
    const { image } = await vaeDecode.execute({ vae, latent: { data, shape: [2, 4, 1, 1] } }, ctx);
    expect(decoder.calls.length - before).toBe(2);
    expect([image.width, image.height, image.batch]).toEqual([8, 8, 2]);
    expect(Array.from(image.data.subarray(0, 3))).toEqual([128, 128, 128]);
    expect(Array.from(image.data.subarray(192, 195))).toEqual([255, 128, 128]);
    expect(ctx.progressCalls).toEqual([[1, 2], [2, 2]]);
  });

  it('round-trips an image through the fake VAE pair', async () => {
    const data = new Uint8Array(8 * 8 * 3);
    for (let i = 0; i < data.length; i += 3) data.set([200, 100, 0], i);
    const ctx = await fakeContext({ sessions });
    const { latent } = await vaeEncode.execute({ vae, image: { width: 8, height: 8, batch: 1, data } }, ctx);
    latent.data.forEach((_, i) => (latent.data[i] -= LATENT_SCALE));
    const { image } = await vaeDecode.execute({ vae, latent }, ctx);
    expect(Array.from(image.data.subarray(0, 3))).toEqual([200, 100, 0]);
    // Without ORT's memory arena, so a decode's activations do not stay reserved after it (or grow over decodes).
    expect(ctx.opened).toEqual([
      { path: vae.encoder, options: { backend: 'cpu', memoryArena: false } },
      { path: vae.decoder, options: { backend: 'cpu', memoryArena: false } },
    ]);
  });
});
