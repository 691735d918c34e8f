import { describe, expect, it } from 'vitest';
import { bislerpLatent, centreCropBox, resamplePlanes } from '../../../nodes/lib/resample.ts';

const ramp = Float32Array.from([0, 1, 2, 3]);
const row = (data: Float32Array, w: number, method: Parameters<typeof resamplePlanes>[6]) => Array.from(resamplePlanes(data, 1, data.length, 1, w, 1, method));

describe('resampling', () => {
  it('matches PyTorch interpolate (half-pixel centres) for 4 -> 8 on a ramp', () => {
    // torch.nn.functional.interpolate(torch.arange(4.).view(1,1,1,4), size=(1,8), mode=...)
    expect(row(ramp, 8, 'nearest-exact')).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(row(ramp, 8, 'bilinear')).toEqual([0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3]);
    // Keys' kernel with a = -0.75, by hand: w(0.25) = 0.87890625, w(0.75) = 0.26171875, w(1.25) = -0.10546875,
    // w(1.75) = -0.03515625. Output 3 sits at source 1.25 (taps 0..3); output 0 at -0.25 (taps 0, 0, 0, 1: edge repeated).
    const bicubic = row(ramp, 8, 'bicubic');
    expect(bicubic[3]).toBeCloseTo(0.87890625 + 2 * 0.26171875 - 3 * 0.03515625, 6);
    expect(bicubic[0]).toBeCloseTo(-0.10546875, 6);
    bicubic.forEach((v, i) => expect(v + bicubic[7 - i]).toBeCloseTo(3, 5));
  });

  it('averages whole source cells when shrinking by area, and keeps a constant constant with every method', () => {
    expect(row(Float32Array.from([1, 3, 5, 7]), 2, 'area')).toEqual([2, 6]);
    for (const method of ['nearest-exact', 'bilinear', 'bicubic', 'area', 'lanczos'] as const) {
      for (const v of row(new Float32Array(6).fill(5), 9, method)) expect(v).toBeCloseTo(5, 5);
      for (const v of row(new Float32Array(9).fill(5), 4, method)) expect(v).toBeCloseTo(5, 5);
    }
  });

  it('bislerp keeps the length of channel vectors between two orthogonal ones of equal length', () => {
    // one row of two cells, 2 channels: (1, 0) and (0, 1)
    const latent = Float32Array.from([1, 0, 0, 1]);
    const out = bislerpLatent(latent, 1, 2, 2, 1, 4, 1);
    for (let x = 0; x < 4; x++) expect(Math.hypot(out[x], out[4 + x])).toBeCloseTo(1, 5);
    // the middle cells lean towards their nearer source
    expect(out[1]).toBeGreaterThan(out[4 + 1]);
    expect(out[2]).toBeLessThan(out[4 + 2]);
  });

  it('crops the centred window of the target aspect ratio', () => {
    expect(centreCropBox(100, 50, 64, 64)).toEqual({ x: 25, y: 0, width: 50, height: 50 });
    expect(centreCropBox(50, 100, 128, 64)).toEqual({ x: 0, y: 37, width: 50, height: 25 });
  });
});
