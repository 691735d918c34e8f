import { describe, expect, it } from 'vitest';
import imagePadForOutpaint from '../../nodes/image-pad-for-outpaint.ts';
import { fakeContext } from './fake-context.ts';

describe('ImagePadForOutpaint', () => {
  it('adds gray borders, masks them, and feathers the mask into the image from the padded sides only', async () => {
    const image = { width: 8, height: 2, batch: 1, data: new Uint8Array(8 * 2 * 3).fill(10) };
    const { image: padded, mask } = await imagePadForOutpaint.execute({ image, left: 0, top: 1, right: 2, bottom: 0, feathering: 4 }, await fakeContext());
    expect([padded.width, padded.height, mask.width, mask.height]).toEqual([10, 3, 10, 3]);
    expect(Array.from(padded.data.subarray(0, 3))).toEqual([128, 128, 128]);
    expect(Array.from(padded.data.subarray(30, 33))).toEqual([10, 10, 10]);
    const row = (y: number) => Array.from(mask.data.subarray(y * 10, y * 10 + 10));
    expect(row(0)).toEqual(new Array(10).fill(1));
    // row 1 is the image's top row (distance 0 from the padded top): (4 - 0) / 4 squared = 1
    expect(row(1)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    // row 2: distance 1 from the top ((4 - 1) / 4 squared), and 0 from the padded right at x = 7
    expect(row(2)).toEqual([...new Array(7).fill(0.5625), 1, 1, 1]);
  });
});
