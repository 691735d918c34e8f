import { describe, expect, it } from 'vitest';
import { blurMask, compositeMasks, featherMaskEdges, growMask, maskFromGray, resizeMask } from '../../../nodes/lib/mask.ts';
import type { Mask } from '../../../nodes/lib/mask.ts';

const mask = (width: number, height: number, values: number[]): Mask => ({ width, height, batch: 1, data: Float32Array.from(values) });
/** A 5x5 mask with one pixel set in the middle. */
const dot = () => mask(5, 5, Array.from({ length: 25 }, (_, i) => (i === 12 ? 1 : 0)));

describe('mask maths', () => {
  it('reads a gray channel as value / 255, and inverted for alpha (transparent = 1)', () => {
    const image = { width: 2, height: 1, batch: 1, data: Uint8Array.from([0, 0, 0, 255, 255, 255]) };
    expect(Array.from(maskFromGray(image, false).data)).toEqual([0, 1]);
    expect(Array.from(maskFromGray(image, true).data)).toEqual([1, 0]);
  });

  it('grows a dot into a cross with tapered corners and a square without, and shrinks it away', () => {
    expect(Array.from(growMask(dot(), 1, true).data)).toEqual([
      0, 0, 0, 0, 0,
      0, 0, 1, 0, 0,
      0, 1, 1, 1, 0,
      0, 0, 1, 0, 0,
      0, 0, 0, 0, 0,
    ]);
    expect(Array.from(growMask(dot(), 1, false).data)).toEqual([
      0, 0, 0, 0, 0,
      0, 1, 1, 1, 0,
      0, 1, 1, 1, 0,
      0, 1, 1, 1, 0,
      0, 0, 0, 0, 0,
    ]);
    expect(growMask(dot(), 2, false).data.every((v) => v === 1)).toBe(true);
    expect(Array.from(growMask(growMask(dot(), 1, false), -1, false).data)).toEqual(Array.from(dot().data));
  });

  it('feathers towards the chosen edges only: (distance + 1) / size', () => {
    const feathered = featherMaskEdges(mask(4, 1, [1, 1, 1, 1]), { left: 2, top: 0, right: 0, bottom: 0 });
    expect(Array.from(feathered.data)).toEqual([0.5, 1, 1, 1]);
  });

  it('combines a source placed at (x, y), clamped to [0, 1], leaving the rest of the destination', () => {
    const destination = mask(3, 1, [0.5, 0.5, 0.5]);
    const source = mask(2, 1, [1, 0.25]);
    expect(Array.from(compositeMasks(destination, source, 1, 0, 'add').data)).toEqual([0.5, 1, 0.75]);
    expect(Array.from(compositeMasks(destination, source, 1, 0, 'subtract').data)).toEqual([0.5, 0, 0.25]);
    expect(Array.from(compositeMasks(destination, source, -1, 0, 'multiply').data)).toEqual([0.125, 0.5, 0.5]);
    expect(Array.from(compositeMasks(mask(2, 1, [1, 0]), mask(2, 1, [1, 1]), 0, 0, 'xor').data)).toEqual([0, 1]);
  });

  it('shrinks by area: a latent cell holds the share of its 8x8 pixels that are masked', () => {
    const pixels = mask(16, 8, Array.from({ length: 128 }, (_, i) => (i % 16 < 4 ? 1 : 0)));
    expect(Array.from(resizeMask(pixels, 2, 1).data)).toEqual([0.5, 0]);
  });

  it('blurs by a Gaussian: sigma 0 is the identity, the sum is kept away from the borders, a step edge becomes a ramp symmetric about it', () => {
    const dotMask = dot();
    expect(blurMask(dotMask, 0)).toBe(dotMask);
    // A dot in the middle of a 31x31 mask: radius ceil(2.5 * 2) = 5 stays inside, so the total is kept.
    const big = mask(31, 31, Array.from({ length: 31 * 31 }, (_, i) => (i === 15 * 31 + 15 ? 1 : 0)));
    const blurred = blurMask(big, 2);
    expect(blurred.data.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(blurred.data[15 * 31 + 15]).toBeLessThan(0.1);
    expect(blurred.data[15 * 31 + 16]).toBeCloseTo(blurred.data[15 * 31 + 14], 6);
    expect(blurred.data[0]).toBe(0);
    // A vertical step between columns 9 and 10 of a 20-wide row: values rise smoothly and v(9 - d) = 1 - v(10 + d).
    const step = mask(20, 3, Array.from({ length: 60 }, (_, i) => (i % 20 >= 10 ? 1 : 0)));
    const row = Array.from(blurMask(step, 1.5).data.subarray(20, 40));
    for (let x = 1; x < 20; x++) expect(row[x]).toBeGreaterThanOrEqual(row[x - 1]);
    for (let d = 0; d < 10; d++) expect(row[9 - d]).toBeCloseTo(1 - row[10 + d], 6);
    expect(row[9]).toBeGreaterThan(0.2);
    expect(row[9]).toBeLessThan(0.5);
    expect(row[0]).toBe(0);
    expect(row[19]).toBeCloseTo(1, 6);
  });
});
