import { describe, expect, it } from 'vitest';
import vaeDecode from '../../nodes/vae-decode.ts';
import vaeDecodeTiled from '../../nodes/vae-decode-tiled.ts';
import vaeEncode from '../../nodes/vae-encode.ts';
import vaeEncodeTiled from '../../nodes/vae-encode-tiled.ts';
import { tileStarts } from '../../nodes/lib/tiles.ts';
import { automaticDecodeTiling, DECODE_BYTES_PER_PIXEL, DECODE_MEMORY_LIMIT } from '../../nodes/lib/vae-codec.ts';
import type { ImageBatch, Latent } from '../../nodes/lib/sd-types.ts';
import { fakeContext } from './fake-context.ts';
import { decoder, encoder, sessions, vae } from './fake-vae.ts';

const latent = (h: number, w: number, batch = 1): Latent => ({
  data: Float32Array.from({ length: batch * 4 * h * w }, (_, i) => Math.sin(i * 0.37) * 0.15),
  shape: [batch, 4, h, w],
});

describe('tiled VAE', () => {
  it('VAEDecodeTiled matches the whole decode for a network without cross-tile context, one run per tile', async () => {
    const input = latent(20, 24, 2);
    const whole = (await vaeDecode.execute({ vae, latent: input }, await fakeContext({ sessions }))).image;
    const before = decoder.calls.length;
    const ctx = await fakeContext({ sessions });
    const tiled = (await vaeDecodeTiled.execute({ vae, latent: input, tile_size: 64, overlap: 16 }, ctx)).image;
    // 8-cell tiles with stride 6 over 20 x 24 cells: 3 x 4 tiles per image
    expect(decoder.calls.length - before).toBe(2 * 12);
    expect(decoder.calls.at(-1)!.latent_sample.dims).toEqual([1, 4, 8, 8]);
    expect([tiled.width, tiled.height, tiled.batch]).toEqual([192, 160, 2]);
    let maxDiff = 0;
    for (let i = 0; i < whole.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(whole.data[i] - tiled.data[i]));
    expect(maxDiff).toBeLessThanOrEqual(1);
    expect(ctx.progressCalls.at(-1)).toEqual([24, 24]);
  });

  it('VAEDecodeTiled takes ComfyUI\'s tile sizes on a step of 32 (96 pixels: 12-cell tiles), still matching the whole decode', async () => {
    const input = latent(20, 24);
    const whole = (await vaeDecode.execute({ vae, latent: input }, await fakeContext({ sessions }))).image;
    const before = decoder.calls.length;
    const tiled = (await vaeDecodeTiled.execute({ vae, latent: input, tile_size: 96, overlap: 24 }, await fakeContext({ sessions }))).image;
    expect(decoder.calls.at(before)!.latent_sample.dims).toEqual([1, 4, 12, 12]);
    let maxDiff = 0;
    for (let i = 0; i < whole.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(whole.data[i] - tiled.data[i]));
    expect(maxDiff).toBeLessThanOrEqual(1);
  });

  it('VAEEncodeTiled matches the whole encode for such a network', async () => {
    const data = Uint8Array.from({ length: 96 * 80 * 3 }, (_, i) => (i * 7) % 251);
    const image: ImageBatch = { width: 96, height: 80, batch: 1, data };
    const whole = (await vaeEncode.execute({ vae, image }, await fakeContext({ sessions }))).latent;
    const before = encoder.calls.length;
    const tiled = (await vaeEncodeTiled.execute({ vae, image, tile_size: 64, overlap: 32 }, await fakeContext({ sessions }))).latent;
    expect(encoder.calls.length - before).toBe(4);
    expect(tiled.shape).toEqual(whole.shape);
    tiled.data.forEach((v, i) => expect(v).toBeCloseTo(whole.data[i], 5));
  });

  it('rejects an overlap as large as the tile', async () => {
    await expect(vaeDecodeTiled.execute({ vae, latent: latent(8, 8), tile_size: 64, overlap: 64 }, await fakeContext({ sessions })))
      .rejects.toMatchObject({ code: 'tile_overlap_invalid', input: 'overlap' });
  });

  it('VAEDecode tiles on its own only when the decode would pass the memory limit (SD 1.5 512x512 does)', async () => {
    expect(automaticDecodeTiling(64, 64)).toBeUndefined();
    const tiling = automaticDecodeTiling(512, 512);
    expect(tiling).toBeDefined();
    expect(tiling!.tile ** 2 * DECODE_BYTES_PER_PIXEL).toBeLessThanOrEqual(DECODE_MEMORY_LIMIT);
    expect(tiling!.tile % 8).toBe(0);
    // The smallest tile that needs no more tiles per side than the largest allowed one would.
    const largest = Math.floor(Math.sqrt(DECODE_MEMORY_LIMIT / DECODE_BYTES_PER_PIXEL) / 64) * 64;
    const perSide = tileStarts(64, tiling!.tile / 8, tiling!.overlap / 8).length;
    expect(perSide).toBe(tileStarts(64, largest / 8, tiling!.overlap / 8).length);
    expect(tileStarts(64, tiling!.tile / 8 - 1, tiling!.overlap / 8).length).toBeGreaterThan(perSide);
    const before = decoder.calls.length;
    const big = latent(64, 64);
    const { image } = await vaeDecode.execute({ vae, latent: big }, await fakeContext({ sessions }));
    expect(decoder.calls.length - before).toBeGreaterThan(1);
    expect(decoder.calls.at(-1)!.latent_sample.dims).toEqual([1, 4, tiling!.tile / 8, tiling!.tile / 8]);
    expect([image.width, image.height]).toEqual([512, 512]);
  });
});
