import { describe, expect, it } from 'vitest';
import { cropPlanes, padPlanes, paddedSide } from '../../../nodes/lib/latent-padding.ts';

describe('latent padding', () => {
  it('rounds sides up to the UNet multiple of 8', () => {
    expect([paddedSide(8), paddedSide(5), paddedSide(9), paddedSide(64)]).toEqual([8, 8, 16, 64]);
  });

  it('repeats the last row and column, plane by plane, and crops back exactly', () => {
    const data = Float32Array.of(1, 2, 3, 4, 5, 6, /* plane 2 */ 7, 8, 9, 10, 11, 12); // 2 planes of 2x3
    const padded = padPlanes(data, 2, 2, 3, 3, 4);
    expect(Array.from(padded)).toEqual([1, 2, 3, 3, 4, 5, 6, 6, 4, 5, 6, 6, 7, 8, 9, 9, 10, 11, 12, 12, 10, 11, 12, 12]);
    expect(Array.from(cropPlanes(padded, 2, 3, 4, 2, 3))).toEqual(Array.from(data));
  });
});
