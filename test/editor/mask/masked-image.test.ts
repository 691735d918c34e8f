import { describe, expect, it } from 'vitest';
import { maskCoverage, maskedPng, maskFromAlpha, MASK_SOURCE_KEY } from '../../../editor/src/mask/masked-image.ts';
import { encodeRgbaPng } from '../../../editor/src/mask/rgba-png.ts';
import { decodePng } from '../../../nodes/lib/png.ts';

/** 5x3 RGBA with distinct colours and alphas. */
function pixels() {
  const [width, height] = [5, 3];
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([p * 10, 255 - p * 7, (p * 37) % 256, p % 2 ? 255 : p * 3], p * 4);
  return { width, height, data };
}

describe('the mask painter\'s PNG files', () => {
  it('encodes RGBA pixels that the PNG decoder reads back exactly, with text entries', async () => {
    const source = pixels();
    const decoded = decodePng(await encodeRgbaPng(source, { note: 'hello' }));
    expect([decoded.width, decoded.height, decoded.channels]).toEqual([5, 3, 4]);
    expect(Array.from(decoded.data)).toEqual(Array.from(source.data));
    expect(decoded.text).toEqual({ note: 'hello' });
  });

  it('puts the mask into the alpha channel (255 - mask), keeps every colour under it, and names the source', async () => {
    const picture = pixels();
    const mask = { width: 5, height: 3, data: Uint8Array.from({ length: 15 }, (_, i) => (i < 5 ? 255 : i < 10 ? 100 : 0)) };
    const decoded = decodePng(await maskedPng(picture, mask, 'cat.png'));
    for (let p = 0; p < 15; p++) {
      expect(Array.from(decoded.data.subarray(p * 4, p * 4 + 3))).toEqual(Array.from(picture.data.subarray(p * 4, p * 4 + 3)));
      expect(decoded.data[p * 4 + 3]).toBe(255 - mask.data[p]);
    }
    expect(decoded.text[MASK_SOURCE_KEY]).toBe('cat.png');
    expect(Array.from(maskFromAlpha(decoded).data)).toEqual(Array.from(mask.data));
    expect(maskCoverage(mask)).toBeCloseTo(10 / 15, 6);
  });

  it('refuses a mask of another size than the image', async () => {
    expect(() => maskedPng(pixels(), { width: 3, height: 5, data: new Uint8Array(15) })).toThrow(expect.objectContaining({ code: 'bad_mask' }));
  });
});
