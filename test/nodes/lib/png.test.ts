import { crc32 as zlibCrc32, deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePng, encodePng, readPngText } from '../../../nodes/lib/png.ts';
import type { Pixels } from '../../../nodes/lib/png.ts';
import { crc32, readChunks, writeChunks } from '../../../contract/index.ts';

function pixels(width: number, height: number, channels: Pixels['channels'], seed = 1): Pixels {
  const data = new Uint8Array(width * height * channels);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    // smooth gradient plus pseudo-random bits so every filter type gets exercised
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = (i * 7 + (s >>> 27)) & 0xff;
  }
  return { width, height, channels, data };
}

function ihdr(width: number, height: number, bitDepth: number, colorType: number, interlace = 0): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data.set([bitDepth, colorType, 0, 0, interlace], 8);
  return data;
}

function pngFromRows(header: Uint8Array, rows: number[][], extra: { type: string; data: Uint8Array }[] = []): Uint8Array {
  const raw = Uint8Array.from(rows.flatMap((row) => [0, ...row]));
  return writeChunks([
    { type: 'IHDR', data: header },
    ...extra,
    { type: 'IDAT', data: deflateSync(raw) },
    { type: 'IEND', data: new Uint8Array(0) },
  ]);
}

describe('png', () => {
  it('computes the same CRC-32 as zlib', () => {
    const bytes = new TextEncoder().encode('IHDR and some bytes \u00ff');
    expect(crc32(bytes)).toBe(zlibCrc32(bytes));
  });

  it.each([1, 2, 3, 4] as const)('round-trips %i-channel pixels exactly', (channels) => {
    const image = pixels(23, 17, channels);
    const decoded = decodePng(encodePng(image));
    expect(decoded.width).toBe(23);
    expect(decoded.height).toBe(17);
    expect(decoded.channels).toBe(channels);
    expect(Buffer.from(decoded.data).equals(Buffer.from(image.data))).toBe(true);
  });

  it('encodes deterministically', () => {
    const image = pixels(16, 16, 3);
    expect(Buffer.from(encodePng(image)).equals(Buffer.from(encodePng(image)))).toBe(true);
  });

  it('filters each row with the type whose bytes, read as signed, sum smallest (the first such type on a tie)', () => {
    const image = pixels(29, 13, 3, 7);
    const stride = 29 * 3;
    const rows = inflateSync(readChunks(encodePng(image)).find((c) => c.type === 'IDAT')!.data);
    const paeth = (a: number, b: number, c: number) => {
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    };
    for (let y = 0; y < 13; y++) {
      const at = (row: number, i: number) => (row < 0 || i < 0 ? 0 : image.data[row * stride + i]);
      const predictors = [
        () => 0,
        (i: number) => at(y, i - 3),
        (i: number) => at(y - 1, i),
        (i: number) => (at(y, i - 3) + at(y - 1, i)) >> 1,
        (i: number) => paeth(at(y, i - 3), at(y - 1, i), at(y - 1, i - 3)),
      ];
      const sums = predictors.map((predict) => {
        let sum = 0;
        for (let i = 0; i < stride; i++) {
          const v = (at(y, i) - predict(i)) & 0xff;
          sum += v < 128 ? v : 256 - v;
        }
        return sum;
      });
      expect(rows[y * (stride + 1)]).toBe(sums.indexOf(Math.min(...sums)));
    }
  });

  it('stores rows unfiltered in uncompressed deflate blocks with compress off, over several blocks', () => {
    const image = pixels(200, 120, 3, 3); // 72,120 bytes of rows: two stored blocks
    const png = encodePng(image, { compress: false });
    const idat = readChunks(png).find((c) => c.type === 'IDAT')!.data;
    const rows = inflateSync(idat); // checks the stored blocks and the Adler-32 trailer
    expect(rows.length).toBe(120 * 601);
    for (let y = 0; y < 120; y++) expect(rows[y * 601]).toBe(0);
    expect(idat.length).toBe(2 + 2 * 5 + rows.length + 4);
    expect(Buffer.from(decodePng(png).data).equals(Buffer.from(image.data))).toBe(true);
  });

  it('writes Latin-1 text as tEXt and other text as iTXt, and reads both back', () => {
    const text = { workflow: '{"version":1,"nodes":{}}', prompt: 'a café', unicode: 'a cat \u{1F431} in 東京' };
    const png = encodePng(pixels(4, 4, 3), { text });
    const types = readChunks(png).map((c) => c.type);
    expect(types.filter((t) => t === 'tEXt')).toHaveLength(2);
    expect(types.filter((t) => t === 'iTXt')).toHaveLength(1);
    expect(readPngText(png)).toEqual(text);
    expect(decodePng(png).text).toEqual(text);
  });

  it('reads zTXt and compressed iTXt chunks when zlib is available', () => {
    const zTxt = Uint8Array.from([...Buffer.from('Comment\0\0'), ...deflateSync(Buffer.from('squeezed'))]);
    const iTxt = Uint8Array.from([...Buffer.from('Title\0\x01\x00en\0Titel\0'), ...deflateSync(Buffer.from('Katze \u00e9', 'utf8'))]);
    const png = pngFromRows(ihdr(1, 1, 8, 0), [[7]], [
      { type: 'zTXt', data: zTxt },
      { type: 'iTXt', data: iTxt },
    ]);
    expect(decodePng(png).text).toEqual({ Comment: 'squeezed', Title: 'Katze \u00e9' });
    expect(readPngText(png)).toEqual({});
  });

  it('refuses text keys that PNG does not allow', () => {
    expect(() => encodePng(pixels(1, 1, 3), { text: { '': 'x' } })).toThrow(/text key/);
    expect(() => encodePng(pixels(1, 1, 3), { text: { ['k'.repeat(80)]: 'x' } })).toThrow(/text key/);
  });

  it('decodes a 4-bit palette image with transparency to RGBA', () => {
    const palette = Uint8Array.of(255, 0, 0, 0, 255, 0, 0, 0, 255);
    const trns = Uint8Array.of(255, 128);
    // 3 pixels wide: indices 0,1,2 then 2,1,0, packed two per byte (high nibble first)
    const png = pngFromRows(ihdr(3, 2, 4, 3), [[0x01, 0x20], [0x21, 0x00]], [
      { type: 'PLTE', data: palette },
      { type: 'tRNS', data: trns },
    ]);
    const decoded = decodePng(png);
    expect(decoded.channels).toBe(4);
    expect(Array.from(decoded.data)).toEqual([
      255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 255,
      0, 0, 255, 255, 0, 255, 0, 128, 255, 0, 0, 255,
    ]);
  });

  it('scales 1-bit gray to 0 and 255', () => {
    const png = pngFromRows(ihdr(10, 1, 1, 0), [[0b10110000, 0b01000000]]);
    expect(Array.from(decodePng(png).data)).toEqual([255, 0, 255, 255, 0, 0, 0, 0, 0, 255]);
  });

  it('reduces 16-bit RGB to the high bytes', () => {
    const png = pngFromRows(ihdr(1, 1, 16, 2), [[0x12, 0x34, 0xab, 0xcd, 0xff, 0x00]]);
    expect(Array.from(decodePng(png).data)).toEqual([0x12, 0xab, 0xff]);
  });

  it('refuses interlaced images, bad signatures and corrupt chunks with clear messages', () => {
    expect(() => decodePng(pngFromRows(ihdr(1, 1, 8, 0, 1), [[0]]))).toThrow(/interlaced/);
    expect(() => decodePng(Uint8Array.of(1, 2, 3))).toThrow(/not a PNG/);
    const png = encodePng(pixels(8, 8, 3));
    const corrupt = png.slice();
    corrupt[40] ^= 0xff;
    expect(() => decodePng(corrupt)).toThrow(/CRC mismatch/);
    expect(() => decodePng(png.subarray(0, png.length - 20))).toThrow(/truncated/);
  });
});
