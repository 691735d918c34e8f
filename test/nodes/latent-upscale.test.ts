import { describe, expect, it } from 'vitest';
import latentUpscale from '../../nodes/latent-upscale.ts';
import latentUpscaleBy from '../../nodes/latent-upscale-by.ts';
import imageScale from '../../nodes/image-scale.ts';
import imageScaleBy from '../../nodes/image-scale-by.ts';
import type { Latent } from '../../nodes/lib/sd-types.ts';
import { fakeContext } from './fake-context.ts';

const latent: Latent = { data: Float32Array.from({ length: 2 * 4 * 4 * 6 }, (_, i) => i), shape: [2, 4, 4, 6] };

describe('latent and image resizing nodes', () => {
  it('LatentUpscaleBy 2 with nearest-exact repeats each cell 2x2 and keeps the noise mask', async () => {
    const mask = { width: 48, height: 32, batch: 1, data: new Float32Array(48 * 32) };
    const { latent: up } = await latentUpscaleBy.execute({ latent: { ...latent, noiseMask: mask }, upscale_method: 'nearest-exact', scale_by: 2 }, await fakeContext());
    expect(up.shape).toEqual([2, 4, 8, 12]);
    expect(up.noiseMask).toBe(mask);
    expect([up.data[0], up.data[1], up.data[12], up.data[13], up.data[2]]).toEqual([0, 0, 0, 0, 1]);
  });

  it('LatentUpscale takes a size in pixels, 0 keeping the aspect ratio, and crops to the centre on request', async () => {
    const ctx = await fakeContext();
    expect((await latentUpscale.execute({ latent, upscale_method: 'bislerp', width: 96, height: 0, crop: 'disabled' }, ctx)).latent.shape).toEqual([2, 4, 8, 12]);
    const cropped = (await latentUpscale.execute({ latent, upscale_method: 'nearest-exact', width: 32, height: 32, crop: 'center' }, ctx)).latent;
    expect(cropped.shape).toEqual([2, 4, 4, 4]);
    expect(cropped.data[0]).toBe(1);
  });

  it('LatentUpscaleBy refuses a size past the largest latent', async () => {
    await expect(latentUpscaleBy.execute({ latent, upscale_method: 'bilinear', scale_by: 80 }, await fakeContext()))
      .rejects.toMatchObject({ code: 'scaled_size_too_large', input: 'scale_by' });
  });

  it('ImageScale and ImageScaleBy resize 8-bit RGB with every method, a flat image staying flat', async () => {
    const image = { width: 6, height: 4, batch: 2, data: new Uint8Array(6 * 4 * 3 * 2).fill(90) };
    for (const method of ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos'] as const) {
      const { image: scaled } = await imageScale.execute({ image, upscale_method: method, width: 15, height: 0, crop: 'disabled' }, await fakeContext());
      expect([scaled.width, scaled.height, scaled.batch]).toEqual([15, 10, 2]);
      expect(scaled.data.every((v) => v === 90), method).toBe(true);
    }
    const { image: half } = await imageScaleBy.execute({ image, upscale_method: 'area', scale_by: 0.5 }, await fakeContext());
    expect([half.width, half.height]).toEqual([3, 2]);
  });
});
