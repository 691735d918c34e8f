import { describe, expect, it } from 'vitest';
import { latentPreviewImage, latentToRgb } from '../../../nodes/lib/latent-preview.ts';
import { decodePng } from '../../../nodes/lib/png.ts';

describe('latent preview', () => {
  it('maps each latent channel through the SD 1.5 factors', () => {
    // batch 1, 1x1 latent with only channel 0 set to 1: RGB = (factor row 0 + 1) / 2
    const rgb = latentToRgb(Float32Array.of(1, 0, 0, 0), [1, 4, 1, 1]);
    expect(Array.from(rgb.data)).toEqual([0.3512, 0.2297, 0.3227].map((v) => Math.round(((v + 1) / 2) * 255)));
    const blue = latentToRgb(Float32Array.of(0, 0, 0, -1), [1, 4, 1, 1]);
    expect(Array.from(blue.data)).toEqual([0.212, 0.2616, 0.7177].map((v) => Math.round(((v + 1) / 2) * 255)));
  });

  it('places a batch side by side at latent resolution', () => {
    const latent = new Float32Array(2 * 4 * 2 * 3);
    latent.fill(5, 4 * 6, 4 * 6 + 6); // image 1, channel 0: saturates red
    const rgb = latentToRgb(latent, [2, 4, 2, 3]);
    expect([rgb.width, rgb.height]).toEqual([6, 2]);
    expect(rgb.data[0]).toBe(128);
    expect(rgb.data[3 * 3]).toBe(255);
  });

  it('emits a PNG image preview', () => {
    const preview = latentPreviewImage(new Float32Array(4 * 8 * 8), [1, 4, 8, 8], 3);
    expect(preview.kind).toBe('image');
    if (preview.kind !== 'image') return;
    expect(preview.step).toBe(3);
    const png = decodePng(preview.data);
    expect([png.width, png.height, preview.width, preview.height]).toEqual([8, 8, 8, 8]);
  });

  it('refuses latents without 4 channels', () => {
    expect(() => latentToRgb(new Float32Array(3), [1, 3, 1, 1])).toThrow(/4 latent channels/);
  });
});
