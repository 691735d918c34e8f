import { describe, expect, it } from 'vitest';
import cannyNode from '../../nodes/canny.ts';
import { canny, grayFromRgb } from '../../models/image/canny.ts';
import type { ImageBatch } from '../../nodes/lib/sd-types.ts';
import { fakeContext } from './fake-context.ts';

/** A dark square on a light ground (first image) and a light disc on a dark ground (second). */
function twoImages(size: number): ImageBatch {
  const data = new Uint8Array(size * size * 3 * 2);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inSquare = x >= 8 && x < 24 && y >= 8 && y < 24;
      const inDisc = (x - 16) ** 2 + (y - 16) ** 2 < 64;
      data.fill(inSquare ? 30 : 220, (y * size + x) * 3, (y * size + x) * 3 + 3);
      data.fill(inDisc ? 240 : 20, ((size + y) * size + x) * 3, ((size + y) * size + x) * 3 + 3);
    }
  }
  return { width: size, height: size, batch: 2, data };
}

describe('Canny node', () => {
  it('gives each image of the batch its edge map, white on black in all three channels', async () => {
    const image = twoImages(32);
    const { image: edges } = await cannyNode.execute({ image, low_threshold: 0.4, high_threshold: 0.8 }, await fakeContext());
    expect([edges.width, edges.height, edges.batch]).toEqual([32, 32, 2]);
    const size = 32 * 32 * 3;
    for (let b = 0; b < 2; b++) {
      const expected = canny(grayFromRgb(image.data.subarray(b * size, (b + 1) * size), 32, 32), { low: 0.4, high: 0.8 });
      const red = Array.from({ length: 32 * 32 }, (_, p) => edges.data[b * size + p * 3]);
      expect(red).toEqual(Array.from(expected, (v) => v * 255));
      expect(expected.reduce((a, v) => a + v, 0)).toBeGreaterThan(30);
    }
    expect(edges.data.every((v, i) => v === edges.data[i - (i % 3)])).toBe(true);
    expect(edges.data[(16 * 32 + 7) * 3] + edges.data[(16 * 32 + 8) * 3]).toBe(255);
    expect(edges.data[(16 * 32 + 16) * 3]).toBe(0);
  });

  it('finds fewer edges at higher thresholds', async () => {
    const image = twoImages(32);
    image.data.forEach((v, i) => (image.data[i] = 100 + v / 8)); // contrast ~0.1, so 0.1..0.2 finds it and 0.95..0.99 does not
    const count = async (low: number, high: number) =>
      (await cannyNode.execute({ image, low_threshold: low, high_threshold: high }, await fakeContext())).image.data.filter((v) => v > 0).length;
    expect(await count(0.95, 0.99)).toBe(0);
    expect(await count(0.1, 0.2)).toBeGreaterThan(60);
  });

  it('refuses a low threshold above the high one, naming low_threshold', async () => {
    await expect(cannyNode.execute({ image: twoImages(16), low_threshold: 0.8, high_threshold: 0.4 }, await fakeContext())).rejects.toMatchObject({
      code: 'canny_thresholds_inverted',
      input: 'low_threshold',
    });
  });
});
