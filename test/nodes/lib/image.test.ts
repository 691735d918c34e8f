import { describe, expect, it } from 'vitest';
import { centerCrop, fitForVae, imageFromPixels, imageToTensor, resize, tensorToImage } from '../../../nodes/lib/image.ts';
import type { ImageBatch } from '../../../nodes/lib/image.ts';

/** Pixel (x, y) of image b has RGB = (x, y, b). */
function coordinates(width: number, height: number, batch = 1): ImageBatch {
  const data = new Uint8Array(width * height * 3 * batch);
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) data.set([x, y, b], ((b * height + y) * width + x) * 3);
    }
  }
  return { width, height, batch, data };
}

const pixelAt = (image: ImageBatch, x: number, y: number, b = 0) =>
  Array.from(image.data.subarray(((b * image.height + y) * image.width + x) * 3, ((b * image.height + y) * image.width + x) * 3 + 3));

describe('image', () => {
  it('expands gray and drops alpha when converting decoded pixels to RGB', () => {
    expect(Array.from(imageFromPixels({ width: 2, height: 1, channels: 2, data: Uint8Array.of(10, 99, 20, 99) }).data))
      .toEqual([10, 10, 10, 20, 20, 20]);
    expect(Array.from(imageFromPixels({ width: 1, height: 1, channels: 4, data: Uint8Array.of(1, 2, 3, 0) }).data))
      .toEqual([1, 2, 3]);
  });

  it('centre-crops every image of a batch', () => {
    const cropped = centerCrop(coordinates(10, 9, 2), 6, 4);
    expect([cropped.width, cropped.height, cropped.batch]).toEqual([6, 4, 2]);
    expect(pixelAt(cropped, 0, 0)).toEqual([2, 2, 0]);
    expect(pixelAt(cropped, 5, 3, 1)).toEqual([7, 5, 1]);
  });

  it('shrinks by averaging the covered area', () => {
    const image: ImageBatch = { width: 2, height: 2, batch: 1, data: Uint8Array.of(0, 0, 0, 100, 100, 100, 50, 50, 50, 250, 250, 250) };
    expect(Array.from(resize(image, 1, 1).data)).toEqual([100, 100, 100]);
  });

  it('fits images for the VAE: crops to multiples of 8 and shrinks oversized ones', () => {
    const cropped = fitForVae(coordinates(70, 67), 8, 2048);
    expect([cropped.width, cropped.height]).toEqual([64, 64]);
    expect(pixelAt(cropped, 0, 0)).toEqual([3, 1, 0]);
    const shrunk = fitForVae(coordinates(300, 150), 8, 100);
    expect([shrunk.width, shrunk.height]).toEqual([96, 48]);
    expect(() => fitForVae(coordinates(5, 40), 8, 2048)).toThrow(/at least 8/);
  });

  it('maps bytes to [-1, 1] NCHW tensors and back', () => {
    const image = coordinates(4, 3, 2);
    const tensor = imageToTensor(image);
    expect(tensor.length).toBe(2 * 3 * 12);
    expect(tensor[0]).toBe(-1);
    expect(tensor[(1 * 3 + 2) * 12]).toBeCloseTo(1 / 127.5 - 1, 6);
    expect(Array.from(tensorToImage(tensor, 2, 3, 4).data)).toEqual(Array.from(image.data));
  });

  it('clamps decoded values outside [-1, 1]', () => {
    const image = tensorToImage(Float32Array.of(-3, 0, 3), 1, 1, 1);
    expect(Array.from(image.data)).toEqual([0, 128, 255]);
  });
});
