import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import loadImage from '../../nodes/load-image.ts';
import loadImageMask from '../../nodes/load-image-mask.ts';
import { encodePng } from '../../nodes/lib/png.ts';
import { fakeContext } from './fake-context.ts';

/** 18x17 RGBA: red = x * 10, green = 200, blue = 0, alpha 0 on the left half and 255 on the right. */
function rgba() {
  const [width, height] = [18, 17];
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([(p % width) * 10, 200, 0, p % width < 9 ? 0 : 255], p * 4);
  return { width, height, channels: 4 as const, data };
}

async function contextWith(file: string, pixels: Parameters<typeof encodePng>[0]) {
  const ctx = await fakeContext();
  await mkdir(ctx.env.inputDir, { recursive: true });
  await writeFile(path.join(ctx.env.inputDir, file), encodePng(pixels));
  return ctx;
}

describe('LoadImage mask output and LoadImageMask', () => {
  it('LoadImage gives the alpha channel as a mask, 1 where transparent, cropped like the image', async () => {
    const { image, mask } = await loadImage.execute({ image: 'a.png' }, await contextWith('a.png', rgba()));
    expect([image.width, image.height, mask.width, mask.height, mask.batch]).toEqual([16, 16, 16, 16, 1]);
    // the 16-wide crop starts at x = 1, so columns 0..7 were transparent
    expect(Array.from(mask.data.subarray(0, 16))).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('LoadImage gives an all-0 mask of the image size for an image without alpha', async () => {
    const { mask } = await loadImage.execute({ image: 'example.png' }, await fakeContext());
    expect([mask.width, mask.height]).toEqual([64, 64]);
    expect(mask.data.every((v) => v === 0)).toBe(true);
  });

  it('LoadImageMask reads a colour channel as value / 255 and alpha inverted', async () => {
    const ctx = await contextWith('a.png', rgba());
    const red = (await loadImageMask.execute({ image: 'a.png', channel: 'red' }, ctx)).mask;
    expect(red.data[0]).toBeCloseTo(10 / 255, 6);
    expect((await loadImageMask.execute({ image: 'a.png', channel: 'green' }, ctx)).mask.data[5]).toBeCloseTo(200 / 255, 6);
    expect((await loadImageMask.execute({ image: 'a.png', channel: 'blue' }, ctx)).mask.data.every((v) => v === 0)).toBe(true);
    expect((await loadImageMask.execute({ image: 'a.png', channel: 'alpha' }, ctx)).mask.data[0]).toBe(1);
  });

  it('LoadImageMask reads a gray image the same in every colour channel, and gives all 0 for a missing alpha', async () => {
    const { mask } = await loadImageMask.execute({ image: 'example-mask.png', channel: 'red' }, await fakeContext());
    expect([mask.width, mask.height]).toEqual([64, 64]);
    expect([mask.data[0], mask.data[32 * 64 + 32]]).toEqual([0, 1]);
    const alpha = (await loadImageMask.execute({ image: 'example-mask.png', channel: 'alpha' }, await fakeContext())).mask;
    expect(alpha.data.every((v) => v === 0)).toBe(true);
  });

  it('fails with a coded error naming the input for a file that is not an image', async () => {
    const ctx = await fakeContext();
    await mkdir(ctx.env.inputDir, { recursive: true });
    await writeFile(path.join(ctx.env.inputDir, 'x.png'), 'not an image');
    await expect(loadImageMask.execute({ image: 'x.png', channel: 'red' }, ctx)).rejects.toMatchObject({ code: 'image_unreadable', input: 'image' });
  });
});
