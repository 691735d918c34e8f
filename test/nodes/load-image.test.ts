import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import loadImage from '../../nodes/load-image.ts';
import { encodePng } from '../../nodes/lib/png.ts';
import { fakeContext } from './fake-context.ts';

function gradient(width: number, height: number, channels: 3 | 4) {
  const data = new Uint8Array(width * height * channels);
  for (let p = 0; p < width * height; p++) data.set([p % width, Math.floor(p / width), 77, 255].slice(0, channels), p * channels);
  return { width, height, channels, data };
}

describe('LoadImage', () => {
  it('reads a PNG from the input folder and centre-crops it to multiples of 8', async () => {
    const ctx = await fakeContext();
    await mkdir(ctx.env.inputDir, { recursive: true });
    await writeFile(path.join(ctx.env.inputDir, 'photo.png'), encodePng(gradient(70, 67, 4)));
    const { image } = await loadImage.execute({ image: 'photo.png' }, ctx);
    expect([image.width, image.height, image.batch]).toEqual([64, 64, 1]);
    expect(Array.from(image.data.subarray(0, 3))).toEqual([3, 1, 77]);
  });

  it('reads JPEG files, recognised by content', async () => {
    const ctx = await fakeContext();
    await mkdir(ctx.env.inputDir, { recursive: true });
    const rgba = gradient(16, 8, 4);
    await writeFile(path.join(ctx.env.inputDir, 'photo.dat'), jpeg.encode({ width: 16, height: 8, data: rgba.data }, 95).data);
    const { image } = await loadImage.execute({ image: 'photo.dat' }, ctx);
    expect([image.width, image.height]).toEqual([16, 8]);
    expect(Math.abs(image.data[2] - 77)).toBeLessThan(8);
  });

  it('falls back to the shipped example images', async () => {
    const { image } = await loadImage.execute({ image: 'example.png' }, await fakeContext());
    expect([image.width, image.height]).toEqual([64, 64]);
  });

  it('refuses names that leave the input folder', async () => {
    for (const name of ['../secret.png', '/etc/passwd', 'a/../../b.png']) {
      await expect(loadImage.execute({ image: name }, await fakeContext())).rejects.toMatchObject({ code: 'invalid_value', input: 'image' });
    }
  });

  it('names the missing file and the unreadable one', async () => {
    const ctx = await fakeContext();
    await expect(loadImage.execute({ image: 'nope.png' }, ctx)).rejects.toMatchObject({ code: 'file_not_found', message: expect.stringContaining('nope.png') });
    await mkdir(ctx.env.inputDir, { recursive: true });
    await writeFile(path.join(ctx.env.inputDir, 'notes.txt'), 'hello');
    await expect(loadImage.execute({ image: 'notes.txt' }, ctx)).rejects.toThrow(/notes\.txt.*not a PNG or JPEG/);
  });

  it('is always re-run, since the file may change', () => {
    expect(loadImage.alwaysRun).toBe(true);
  });
});
