import { deflateSync, inflateSync } from 'node:zlib';
import { parseTextChunk, readChunks, textChunk, writeChunks } from '../../contract/index.ts';
import type { PngChunk } from '../../contract/index.ts';

export { isPng, readPngText } from '../../contract/index.ts';

/** 8-bit pixels, interleaved: 1 = gray, 2 = gray+alpha, 3 = RGB, 4 = RGBA. */
export interface Pixels {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  data: Uint8Array;
}

export interface DecodedPng extends Pixels {
  text: Record<string, string>;
}

const COLOR_TYPE_BY_CHANNELS = { 1: 0, 2: 4, 3: 2, 4: 6 } as const;
const CHANNELS_BY_COLOR_TYPE: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Applies filter `type` to one scanline; `prev` is the previous raw scanline (zeros for the first). */
function filterRow(type: number, row: Uint8Array, prev: Uint8Array, bpp: number, out: Uint8Array): void {
  const n = row.length;
  const head = Math.min(bpp, n);
  switch (type) {
    case 0:
      out.set(row);
      return;
    case 1:
      for (let i = 0; i < head; i++) out[i] = row[i];
      for (let i = head; i < n; i++) out[i] = (row[i] - row[i - bpp]) & 0xff;
      return;
    case 2:
      for (let i = 0; i < n; i++) out[i] = (row[i] - prev[i]) & 0xff;
      return;
    case 3:
      for (let i = 0; i < head; i++) out[i] = (row[i] - (prev[i] >> 1)) & 0xff;
      for (let i = head; i < n; i++) out[i] = (row[i] - ((row[i - bpp] + prev[i]) >> 1)) & 0xff;
      return;
    default:
      for (let i = 0; i < head; i++) out[i] = (row[i] - paeth(0, prev[i], 0)) & 0xff;
      for (let i = head; i < n; i++) out[i] = (row[i] - paeth(row[i - bpp], prev[i], prev[i - bpp])) & 0xff;
  }
}

/** The cost of a filtered byte, read as a signed value and made positive: the usual heuristic's, by table. */
const COST = Uint8Array.from({ length: 256 }, (_, v) => (v < 128 ? v : 256 - v));

/**
 * The filter type whose output has the smallest sum of bytes read as signed values (the usual
 * heuristic), with all five filters' sums taken in one pass over the row.
 */
function bestFilter(row: Uint8Array, prev: Uint8Array, bpp: number): number {
  let none = 0;
  let sub = 0;
  let up = 0;
  let average = 0;
  let paethSum = 0;
  for (let i = 0; i < row.length; i++) {
    const x = row[i];
    const b = prev[i];
    let a = 0;
    let c = 0;
    if (i >= bpp) {
      a = row[i - bpp];
      c = prev[i - bpp];
    }
    none += COST[x];
    sub += COST[(x - a) & 0xff];
    up += COST[(x - b) & 0xff];
    average += COST[(x - ((a + b) >> 1)) & 0xff];
    paethSum += COST[(x - paeth(a, b, c)) & 0xff];
  }
  let best = 0;
  let bestSum = none;
  for (const [type, sum] of [[1, sub], [2, up], [3, average], [4, paethSum]]) {
    if (sum < bestSum) [best, bestSum] = [type, sum];
  }
  return best;
}

function unfilterRow(type: number, row: Uint8Array, prev: Uint8Array, bpp: number): void {
  for (let i = 0; i < row.length; i++) {
    const a = i >= bpp ? row[i - bpp] : 0;
    const b = prev[i];
    const c = i >= bpp ? prev[i - bpp] : 0;
    switch (type) {
      case 0: break;
      case 1: row[i] = (row[i] + a) & 0xff; break;
      case 2: row[i] = (row[i] + b) & 0xff; break;
      case 3: row[i] = (row[i] + ((a + b) >> 1)) & 0xff; break;
      case 4: row[i] = (row[i] + paeth(a, b, c)) & 0xff; break;
      default: throw new Error(`corrupt PNG: unknown filter type ${type}`);
    }
  }
}

/** Deflate's stored (uncompressed) blocks in a zlib stream: no compressor to set up, for small pictures sent often. */
function storedZlib(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / STORED_BLOCK));
  const out = new Uint8Array(2 + 5 * blocks + data.length + 4);
  const view = new DataView(out.buffer);
  out[0] = 0x78; // deflate, 32 KiB window
  out[1] = 0x01; // no preset dictionary, fastest; (0x78 << 8 | 0x01) % 31 === 0
  let pos = 2;
  for (let block = 0; block < blocks; block++) {
    const part = data.subarray(block * STORED_BLOCK, (block + 1) * STORED_BLOCK);
    out[pos] = block === blocks - 1 ? 1 : 0;
    view.setUint16(pos + 1, part.length, true);
    view.setUint16(pos + 3, ~part.length & 0xffff, true);
    out.set(part, pos + 5);
    pos += 5 + part.length;
  }
  view.setUint32(pos, adler32(data));
  return out;
}

const STORED_BLOCK = 0xffff;

function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  // 5552 bytes is the most that can be summed before b could pass 2^32 (zlib's NMAX).
  for (let start = 0; start < data.length; start += 5552) {
    const end = Math.min(start + 5552, data.length);
    for (let i = start; i < end; i++) {
      a += data[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * Encodes 8-bit pixels as a PNG, with optional text entries (tEXt, or iTXt for non-Latin-1 text).
 * `compress: false` stores the rows unfiltered and uncompressed: a larger file, made in a fraction of
 * the time (per-step previews).
 */
export function encodePng(pixels: Pixels, options: { text?: Record<string, string>; compress?: boolean } = {}): Uint8Array {
  const { width, height, channels, data } = pixels;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`PNG size must be positive integers, got ${width}x${height}`);
  }
  const stride = width * channels;
  if (data.length !== stride * height) throw new Error(`PNG pixel data has ${data.length} bytes, expected ${stride * height}`);
  const compress = options.compress ?? true;

  const filtered = new Uint8Array((stride + 1) * height);
  let prev: Uint8Array = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = data.subarray(y * stride, (y + 1) * stride);
    const offset = y * (stride + 1);
    const type = compress ? bestFilter(row, prev, channels) : 0;
    filtered[offset] = type;
    filterRow(type, row, prev, channels, filtered.subarray(offset + 1, offset + 1 + stride));
    prev = row;
  }

  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8;
  header[9] = COLOR_TYPE_BY_CHANNELS[channels];
  const chunks: PngChunk[] = [{ type: 'IHDR', data: header }];
  for (const [key, value] of Object.entries(options.text ?? {})) chunks.push(textChunk(key, value));
  chunks.push({ type: 'IDAT', data: compress ? deflateSync(filtered, { level: 6 }) : storedZlib(filtered) }, { type: 'IEND', data: new Uint8Array(0) });
  return writeChunks(chunks);
}

/** Unpacks 1/2/4-bit samples (gray or palette indices) to one byte per sample. */
function unpackSubByte(row: Uint8Array, width: number, bitDepth: number, out: Uint8Array, outOffset: number, scale: boolean): void {
  const perByte = 8 / bitDepth;
  const mask = (1 << bitDepth) - 1;
  for (let x = 0; x < width; x++) {
    const byte = row[Math.floor(x / perByte)];
    const shift = 8 - bitDepth * (1 + (x % perByte));
    const v = (byte >> shift) & mask;
    out[outOffset + x] = scale ? Math.round((v * 255) / mask) : v;
  }
}

/**
 * Decodes a non-interlaced PNG: gray, gray+alpha, RGB, RGBA (8 or 16 bits; 16 is reduced to its
 * high byte), gray at 1/2/4 bits, and palette images (expanded to RGB, or RGBA when tRNS is present).
 */
export function decodePng(bytes: Uint8Array): DecodedPng {
  const chunks = readChunks(bytes);
  const ihdr = chunks[0];
  if (ihdr?.type !== 'IHDR' || ihdr.data.length !== 13) throw new Error('corrupt PNG: the first chunk is not IHDR');
  const view = new DataView(ihdr.data.buffer, ihdr.data.byteOffset, 13);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const [bitDepth, colorType, , , interlace] = ihdr.data.subarray(8);
  const samples = CHANNELS_BY_COLOR_TYPE[colorType];
  if (samples === undefined) throw new Error(`corrupt PNG: unknown color type ${colorType}`);
  if (interlace !== 0) throw new Error('interlaced PNGs are not supported; save the image without interlacing');
  const validDepth = colorType === 0 ? [1, 2, 4, 8, 16] : colorType === 3 ? [1, 2, 4, 8] : [8, 16];
  if (!validDepth.includes(bitDepth)) throw new Error(`corrupt PNG: bit depth ${bitDepth} with color type ${colorType}`);
  if (width < 1 || height < 1) throw new Error(`corrupt PNG: size ${width}x${height}`);

  const text: Record<string, string> = {};
  const idat: Uint8Array[] = [];
  let palette: Uint8Array | undefined;
  let transparency: Uint8Array | undefined;
  for (const chunk of chunks) {
    if (chunk.type === 'IDAT') idat.push(chunk.data);
    else if (chunk.type === 'PLTE') palette = chunk.data;
    else if (chunk.type === 'tRNS') transparency = chunk.data;
    else {
      const entry = parseTextChunk(chunk, (d) => inflateSync(d));
      if (entry) text[entry[0]] = entry[1];
    }
  }
  if (idat.length === 0) throw new Error('corrupt PNG: no image data (IDAT)');
  if (colorType === 3 && !palette) throw new Error('corrupt PNG: palette image without PLTE');

  const bytesPerSample = bitDepth === 16 ? 2 : 1;
  const stride = Math.ceil((width * samples * bitDepth) / 8);
  const bpp = Math.max(1, samples * bytesPerSample);
  let raw: Uint8Array;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch (error) {
    throw new Error('corrupt PNG: image data does not decompress', { cause: error });
  }
  if (raw.length < (stride + 1) * height) throw new Error('corrupt PNG: image data is shorter than the image');

  const outChannels = colorType === 3 ? (transparency ? 4 : 3) : samples;
  const out = new Uint8Array(width * height * outChannels);
  const indices = new Uint8Array(width);
  let prev: Uint8Array = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    unfilterRow(raw[y * (stride + 1)], row, prev, bpp);
    prev = row;
    const outRow = y * width * outChannels;
    if (colorType === 3) {
      if (bitDepth === 8) indices.set(row.subarray(0, width));
      else unpackSubByte(row, width, bitDepth, indices, 0, false);
      for (let x = 0; x < width; x++) {
        const index = indices[x];
        if (index * 3 + 2 >= palette!.length) throw new Error(`corrupt PNG: palette index ${index} out of range`);
        const o = outRow + x * outChannels;
        out[o] = palette![index * 3];
        out[o + 1] = palette![index * 3 + 1];
        out[o + 2] = palette![index * 3 + 2];
        if (outChannels === 4) out[o + 3] = index < transparency!.length ? transparency![index] : 255;
      }
    } else if (bitDepth < 8) {
      unpackSubByte(row, width, bitDepth, out, outRow, true);
    } else if (bitDepth === 16) {
      for (let i = 0; i < width * samples; i++) out[outRow + i] = row[i * 2];
    } else {
      out.set(row.subarray(0, width * samples), outRow);
    }
  }
  return { width, height, channels: outChannels as Pixels['channels'], data: out, text };
}
