import zlib from 'node:zlib';
import { invalidImage } from '../errors.ts';

export type ImageMime = 'image/png' | 'image/jpeg';

export interface ImageHeader { mime: ImageMime; width: number; height: number }

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

/** Checks that `bytes` are a complete PNG or JPEG of the given type and reads its size from the header. */
export function readImageHeader(bytes: Buffer, mime: ImageMime): ImageHeader {
  const header = mime === 'image/png' ? readPngHeader(bytes) : readJpegHeader(bytes);
  if (header.width === 0 || header.height === 0) throw invalidImage(`The ${mime} image has a zero width or height`);
  return header;
}

function readPngHeader(bytes: Buffer): ImageHeader {
  if (bytes.length < PNG_SIGNATURE.length + 25 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw invalidImage('The body is not a PNG image (bad signature)');
  }
  const length = bytes.readUInt32BE(8);
  if (length !== 13 || bytes.toString('latin1', 12, 16) !== 'IHDR') throw invalidImage('The PNG image does not start with an IHDR chunk');
  const crc = zlib.crc32(bytes.subarray(12, 12 + 4 + 13));
  if (crc !== bytes.readUInt32BE(29)) throw invalidImage('The PNG image has a corrupt IHDR chunk (checksum mismatch)');
  if (!bytes.subarray(bytes.length - PNG_IEND.length).equals(PNG_IEND)) throw invalidImage('The PNG image is truncated (no IEND chunk at the end)');
  return { mime: 'image/png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

// Start-of-frame markers carry the image size; C4 (DHT), C8 (JPG) and CC (DAC) are not frames.
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
const hasNoLength = (marker: number) => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);

function readJpegHeader(bytes: Buffer): ImageHeader {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) {
    throw invalidImage('The body is not a JPEG image (bad signature)');
  }
  if (bytes[bytes.length - 2] !== 0xff || bytes[bytes.length - 1] !== 0xd9) throw invalidImage('The JPEG image is truncated (no end-of-image marker)');
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) throw invalidImage(`The JPEG image has a corrupt segment at byte ${offset}`);
    const marker = bytes[offset + 1];
    if (marker === 0xff) { offset += 1; continue; }
    if (hasNoLength(marker)) { offset += 2; continue; }
    if (marker === 0xda || marker === 0xd9) break;
    const length = bytes.readUInt16BE(offset + 2);
    if (isStartOfFrame(marker)) {
      if (offset + 9 > bytes.length) break;
      return { mime: 'image/jpeg', height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
    }
    offset += 2 + length;
  }
  throw invalidImage('The JPEG image has no frame header before its data');
}
