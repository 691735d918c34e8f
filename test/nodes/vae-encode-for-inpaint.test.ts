import { describe, expect, it } from 'vitest';
import vaeEncodeForInpaint from '../../nodes/vae-encode-for-inpaint.ts';
import setLatentNoiseMask from '../../nodes/set-latent-noise-mask.ts';
import type { ImageBatch, Mask } from '../../nodes/lib/sd-types.ts';
import { fakeContext } from './fake-context.ts';
import { encoder, sessions, vae } from './fake-vae.ts';

const white: ImageBatch = { width: 32, height: 16, batch: 1, data: new Uint8Array(32 * 16 * 3).fill(255) };
/** One masked pixel at (5, 5), given at half resolution (16 x 8): it covers pixels (10..11, 10..11). */
const dot: Mask = { width: 16, height: 8, batch: 1, data: Float32Array.from({ length: 128 }, (_, i) => (i === 5 * 16 + 5 ? 1 : 0)) };

describe('VAEEncodeForInpaint', () => {
  it('grows the mask (resized to the image) by grow_mask_by as a square, grays the pixels under it, and attaches it', async () => {
    const { latent } = await vaeEncodeForInpaint.execute({ vae, image: white, mask: dot, grow_mask_by: 2 }, await fakeContext({ sessions }));
    const mask = latent.noiseMask!;
    expect([mask.width, mask.height]).toEqual([32, 16]);
    const set = [...mask.data.keys()].filter((i) => mask.data[i] === 1).map((i) => [i % 32, Math.floor(i / 32)]);
    const xs = set.map(([x]) => x);
    const ys = set.map(([, y]) => y);
    expect([Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys), set.length]).toEqual([8, 13, 8, 13, 36]);
    const fed = encoder.calls.at(-1)!.sample.data as Float32Array;
    // planar [-1, 1]: gray 128 under the mask, white elsewhere
    expect(fed[10 * 32 + 10]).toBeCloseTo(128 / 127.5 - 1, 6);
    expect(fed[0]).toBe(1);
    expect(latent.shape).toEqual([1, 4, 2, 4]);
  });

  it('rejects a mask batch that fits neither one nor every image', async () => {
    const masks: Mask = { ...dot, batch: 3, data: new Float32Array(3 * 128) };
    await expect(vaeEncodeForInpaint.execute({ vae, image: white, mask: masks, grow_mask_by: 0 }, await fakeContext({ sessions })))
      .rejects.toMatchObject({ code: 'mask_batch_mismatch', input: 'mask' });
  });
});

describe('SetLatentNoiseMask', () => {
  it('attaches the mask and leaves the latent values alone', async () => {
    const data = Float32Array.from([1, 2, 3, 4]);
    const { latent } = await setLatentNoiseMask.execute({ latent: { data, shape: [1, 4, 1, 1] }, mask: dot }, await fakeContext());
    expect(latent.data).toBe(data);
    expect(latent.noiseMask).toBe(dot);
  });
});
