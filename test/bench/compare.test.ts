import { describe, expect, it } from 'vitest';
import { maxRelativeError, psnr } from '../../bench/compare.ts';

describe('output comparison', () => {
  it('max relative error is the worst difference over the largest reference magnitude', () => {
    const reference = Float32Array.of(0, -4, 2, 1);
    expect(maxRelativeError(Float32Array.of(0, -4, 2, 1), reference)).toBe(0);
    expect(maxRelativeError(Float32Array.of(0.5, -4, 2, 0.9), reference)).toBeCloseTo(0.125, 6);
    expect(() => maxRelativeError(Float32Array.of(1), reference)).toThrow('cannot compare 1 values with 4');
  });

  it('PSNR compares images on [0, 1] after clamping, infinite when identical', () => {
    const reference = Float32Array.of(-1, 0, 1, 0.5);
    expect(psnr(reference, reference)).toBe(Infinity);
    // One pixel off by 0.2 in [-1, 1] is 0.1 in [0, 1]: MSE 0.01 / 4, PSNR = 10 log10(400).
    expect(psnr(Float32Array.of(-1, 0.2, 1, 0.5), reference)).toBeCloseTo(10 * Math.log10(400), 6);
    // Values beyond [-1, 1] are clamped before comparing.
    expect(psnr(Float32Array.of(-3, 0, 5, 0.5), reference)).toBe(Infinity);
  });
});
