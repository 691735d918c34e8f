import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkImageDecodes, decodeForVae } from '../../../nodes/lib/image-decoder.ts';
import { MAX_IMAGE_PIXELS } from '../../../nodes/lib/image-dimensions.ts';
import { encodePng } from '../../../nodes/lib/png.ts';
import { writeChunks } from '../../../contract/png-chunks.ts';

/** A PNG whose header declares `width` x `height` RGB pixels over whatever IDAT bytes are given. */
function pngDeclaring(width: number, height: number, idat: Uint8Array): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8);
  return writeChunks([{ type: 'IHDR', data: header }, { type: 'IDAT', data: idat }, { type: 'IEND', data: new Uint8Array(0) }]);
}

/** A real black RGB PNG `side` pixels square (unfiltered rows of zeros). */
const blackPng = (side: number) => pngDeclaring(side, side, deflateSync(new Uint8Array((side * 3 + 1) * side)));

describe('decoding image files off the event loop', () => {
  it('refuses a decompression bomb by its header, before inflating anything', async () => {
    // 8192 x 8192 declared (67 MP) over a few bytes of data: refused by size, not by the data.
    const bomb = pngDeclaring(8192, 8192, deflateSync(new Uint8Array(1000)));
    await expect(decodeForVae(bomb, 8, 2048)).rejects.toMatchObject({ reason: 'too_large', message: expect.stringMatching(/8192x8192 .*67\.1 MP/) });
    await expect(checkImageDecodes(bomb)).rejects.toMatchObject({ reason: 'too_large' });
  });

  it('decodes an image at the pixel cap (4096 x 4096) and fits it for the VAE', async () => {
    const side = Math.sqrt(MAX_IMAGE_PIXELS);
    const image = await decodeForVae(blackPng(side), 8, side);
    expect([image.width, image.height, image.data[0]]).toEqual([side, side, 0]);
  });

  it('keeps the event loop turning while it decodes (the work is on another thread)', async () => {
    const png = blackPng(2048);
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    try {
      // A decode on the calling thread would finish before any timer callback could run.
      await decodeForVae(png, 8, 2048);
    } finally {
      clearInterval(timer);
    }
    expect(turns).toBeGreaterThan(0);
  });

  it('refuses a PNG whose image data is an HTML page, and a 23-byte JPEG with no scan data', async () => {
    const html = new TextEncoder().encode('<html><body><script>alert(1)</script></body></html>');
    await expect(checkImageDecodes(pngDeclaring(4, 4, html))).rejects.toMatchObject({ reason: 'invalid', message: expect.stringMatching(/does not decompress/) });
    const noScan = Uint8Array.from([0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, 0, 8, 0, 8, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 0xff, 0xd9]);
    expect(noScan.length).toBe(23);
    await expect(checkImageDecodes(noScan)).rejects.toMatchObject({ reason: 'invalid', message: expect.stringMatching(/JPEG/) });
  });

  it('gives the size of a complete image', async () => {
    const pixels = { width: 5, height: 3, channels: 4 as const, data: new Uint8Array(60).fill(255) };
    expect(await checkImageDecodes(encodePng(pixels))).toEqual({ width: 5, height: 3 });
  });
});
