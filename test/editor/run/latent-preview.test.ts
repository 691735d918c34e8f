import { describe, expect, it } from 'vitest';
import { latentToRgba } from '../../../editor/src/run/latent-preview.ts';

describe('latent preview', () => {
  it('maps each latent channel through the SD 1.5 factors and (v + 1) / 2', () => {
    // 1x2 latent: pixel 0 has only channel 0 = 1, pixel 1 has only channel 3 = 1.
    const values = new Float32Array([1, 0, 0, 0, 0, 0, 0, 1]);
    const image = latentToRgba(values, [1, 4, 1, 2]);
    expect(image.width).toBe(2);
    expect(image.height).toBe(1);
    const expected = (v: number) => Math.round(((v + 1) / 2) * 255);
    expect([...image.data.subarray(0, 4)].map(Math.round)).toEqual([expected(0.3512), expected(0.2297), expected(0.3227), 255]);
    expect([...image.data.subarray(4, 8)].map(Math.round)).toEqual([expected(-0.212), expected(-0.2616), expected(-0.7177), 255]);
  });

  it('clamps to the byte range', () => {
    const image = latentToRgba(new Float32Array([100, 0, 0, 0]), [4, 1, 1]);
    expect([...image.data]).toEqual([255, 255, 255, 255]);
  });

  it('rejects shapes that are not 4-channel latents', () => {
    expect(() => latentToRgba(new Float32Array(3), [3, 1, 1])).toThrow('latent preview expects 4 channels, got shape [3, 1, 1]');
    expect(() => latentToRgba(new Float32Array(3), [4, 1, 1])).toThrow('latent preview: 3 values for shape [4, 1, 1]');
  });
});
