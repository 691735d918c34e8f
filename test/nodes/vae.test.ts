import { describe, expect, it } from 'vitest';
import vaeDecode from '../../nodes/vae-decode.ts';
import vaeEncode from '../../nodes/vae-encode.ts';
import { LATENT_SCALE } from '../../nodes/lib/sd-types.ts';
import type { ImageBatch } from '../../nodes/lib/sd-types.ts';
import { fakeContext } from './fake-context.ts';
import { decoder, encoder, sessions, vae } from './fake-vae.ts';


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
    // With ORT's memory arena (no fresh pages for every activation) and without its memory pattern (which grows the arena over decodes).
    expect(ctx.opened).toEqual([
      { path: vae.encoder, options: { backend: 'cpu', memoryArena: true, memoryPattern: false } },
      { path: vae.decoder, options: { backend: 'cpu', memoryArena: true, memoryPattern: false } },
    ]);
  });
});
