/**
 * The size an image file declares in its header, read without decoding anything, so a
 * decompression bomb (a small file declaring a huge image) is refused before it is inflated.
 */

/** 16.7 megapixels (4096 x 4096): 64 MB of RGBA while decoding. More is refused, whatever the file's size. */
export const MAX_IMAGE_PIXELS = 4096 * 4096;

export interface ImageDimensions {
  width: number;
  height: number;
}

const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/** Width and height from a PNG's IHDR or a JPEG's first frame header; undefined when neither is found. */
export function declaredDimensions(bytes: Uint8Array): ImageDimensions | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 24 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[12] === 0x49 && bytes[13] === 0x48) {
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let offset = 2;
  while (offset + 4 <= bytes.length && bytes[offset] === 0xff) {
    const marker = bytes[offset + 1];
    if (marker === 0xff) { offset += 1; continue; }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { offset += 2; continue; }
    if (marker === 0xda || marker === 0xd9) return undefined;
    if (isStartOfFrame(marker)) {
      if (offset + 9 > bytes.length) return undefined;
      return { height: view.getUint16(offset + 5), width: view.getUint16(offset + 7) };
    }
    offset += 2 + view.getUint16(offset + 2);
  }
  return undefined;
}

/** Why an image of this size is refused, or undefined when it is within MAX_IMAGE_PIXELS. */
export function oversizeReason({ width, height }: ImageDimensions): string | undefined {
  if (width * height <= MAX_IMAGE_PIXELS) return undefined;
  const megapixels = (n: number) => (n / 1e6).toFixed(1);
  return `it declares ${width}x${height} pixels (${megapixels(width * height)} MP); at most ${megapixels(MAX_IMAGE_PIXELS)} MP are decoded`;
}
