import { describe, expect, it } from 'vitest';
import { compositeImages } from '../../../nodes/lib/image-composite.ts';
import type { ImageBatch } from '../../../nodes/lib/image.ts';

const solid = (width: number, height: number, value: number): ImageBatch => ({ width, height, batch: 1, data: new Uint8Array(width * height * 3).fill(value) });
const reds = (image: ImageBatch) => Array.from({ length: image.width * image.height }, (_, p) => image.data[p * 3]);

describe('compositeImages', () => {
  it('pastes the source at (x, y) clipped to the destination, whole without a mask', () => {
    expect(reds(compositeImages(solid(3, 2, 10), solid(2, 2, 200), 2, 1))).toEqual([10, 10, 10, 10, 10, 200]);
  });

  it('blends dst * (1 - m) + src * m through a mask resized to the source', () => {
    const mask = { width: 2, height: 1, batch: 1, data: Float32Array.from([0, 0.5]) };
    // The 2x1 mask is enlarged bilinearly to the 4x1 source: 0, 0.125, 0.375, 0.5.
    expect(reds(compositeImages(solid(4, 1, 0), solid(4, 1, 200), 0, 0, mask))).toEqual([0, 25, 75, 100]);
  });
});
