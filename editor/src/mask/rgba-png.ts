import { textChunk, writeChunks, type PngChunk } from '../../../contract/index.ts';

/** 8-bit RGBA pixels, row by row (what a canvas's ImageData holds). */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

async function deflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Encodes RGBA pixels as a PNG (colour type 6, no filtering) with the browser's zlib, keeping the colour of
 * transparent pixels exactly (a canvas's toBlob would premultiply it away), with optional tEXt entries.
 */
export async function encodeRgbaPng(pixels: Rgba, text: Record<string, string> = {}): Promise<Uint8Array> {
  const { width, height, data } = pixels;
  const stride = width * 4;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) raw.set(data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8;
  header[9] = 6;
  const chunks: PngChunk[] = [{ type: 'IHDR', data: header }];
  for (const [key, value] of Object.entries(text)) chunks.push(textChunk(key, value));
  chunks.push({ type: 'IDAT', data: await deflate(raw) }, { type: 'IEND', data: new Uint8Array(0) });
  return writeChunks(chunks);
}
