import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import type { ServerError } from '../../../server/errors.ts';
import { readImageHeader } from '../../../server/files/image-header.ts';
import { solidPng } from '../helpers.ts';

const realJpeg = (width: number, height: number) =>
  Buffer.from(jpeg.encode({ width, height, data: Buffer.alloc(width * height * 4, 128) }, 80).data);

const codeOf = (run: () => unknown) => {
  try {
    run();
    return 'ok';
  } catch (error) {
    return `${(error as ServerError).code}: ${(error as Error).message}`;
  }
};

describe('readImageHeader', () => {
  it('reads the size of a real PNG', () => {
    expect(readImageHeader(solidPng(7, 3), 'image/png')).toEqual({ mime: 'image/png', width: 7, height: 3 });
  });

  it('reads the size of a real JPEG', () => {
    expect(readImageHeader(realJpeg(20, 12), 'image/jpeg')).toEqual({ mime: 'image/jpeg', width: 20, height: 12 });
  });

  it('refuses bytes that are not the declared type', () => {
    expect(codeOf(() => readImageHeader(realJpeg(4, 4), 'image/png'))).toMatch(/^invalid_image: .*not a PNG/);
    expect(codeOf(() => readImageHeader(solidPng(4, 4), 'image/jpeg'))).toMatch(/^invalid_image: .*not a JPEG/);
    expect(codeOf(() => readImageHeader(Buffer.from('GIF89a not really'), 'image/png'))).toMatch(/^invalid_image/);
  });

  it('refuses a truncated PNG and a corrupt IHDR', () => {
    const png = solidPng(4, 4);
    expect(codeOf(() => readImageHeader(png.subarray(0, png.length - 5), 'image/png'))).toMatch(/truncated/);
    const corrupt = Buffer.from(png);
    corrupt[17] ^= 0xff;
    expect(codeOf(() => readImageHeader(corrupt, 'image/png'))).toMatch(/checksum/);
  });

  it('refuses a truncated JPEG and one without a frame header', () => {
    const image = realJpeg(8, 8);
    expect(codeOf(() => readImageHeader(image.subarray(0, image.length - 10), 'image/jpeg'))).toMatch(/truncated/);
    expect(codeOf(() => readImageHeader(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 2, 0xff, 0xd9]), 'image/jpeg'))).toMatch(/no frame header/);
  });

  it('refuses an image with zero width', () => {
    expect(codeOf(() => readImageHeader(solidPng(0, 4), 'image/png'))).toMatch(/zero width/);
  });
});
