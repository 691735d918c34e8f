import { describe, expect, it } from 'vitest';
import { runTiled, tileStarts } from '../../../nodes/lib/tiles.ts';

describe('tiled runs', () => {
  it('places tiles by stride tile - overlap with the last one flush with the end', () => {
    expect(tileStarts(64, 32, 8)).toEqual([0, 24, 32]);
    expect(tileStarts(20, 32, 8)).toEqual([0]);
    expect(tileStarts(100, 40, 12, 8)).toEqual([0, 24, 48, 56]);
  });

  it('gives exactly the untiled result for a position-independent network, with each tile run once', async () => {
    const [h, w] = [20, 28];
    const input = Float32Array.from({ length: 2 * h * w }, (_, i) => Math.sin(i));
    const tiles: [number, number][] = [];
    // "decoder": 2x nearest upsampling, channel sum and difference
    const out = await runTiled({
      input, channels: 2, height: h, width: w, outChannels: 2, scale: 2, tile: 8, overlap: 2,
      run: async (tile, th, tw) => {
        tiles.push([th, tw]);
        const result = new Float32Array(2 * th * 2 * tw * 2);
        for (let y = 0; y < 2 * th; y++) for (let x = 0; x < 2 * tw; x++) {
          const a = tile[(y >> 1) * tw + (x >> 1)];
          const b = tile[th * tw + (y >> 1) * tw + (x >> 1)];
          result[y * 2 * tw + x] = a + b;
          result[4 * th * tw + y * 2 * tw + x] = a - b;
        }
        return result;
      },
    });
    expect(tiles).toHaveLength(tileStarts(h, 8, 2).length * tileStarts(w, 8, 2).length);
    for (let y = 0; y < 2 * h; y++) for (let x = 0; x < 2 * w; x++) {
      const a = input[(y >> 1) * w + (x >> 1)];
      const b = input[h * w + (y >> 1) * w + (x >> 1)];
      expect(out[y * 2 * w + x]).toBeCloseTo(a + b, 5);
      expect(out[4 * h * w + y * 2 * w + x]).toBeCloseTo(a - b, 5);
    }
  });

  it('blends two tiles that disagree by a linear ramp across their overlap', async () => {
    // each tile outputs its own constant: 0 for the tile at x 0, 1 for the one at x 4
    const out = await runTiled({
      input: new Float32Array(12), channels: 1, height: 1, width: 12, outChannels: 1, scale: 1, tile: 8, overlap: 4,
      run: async (tile, th, tw) => new Float32Array(th * tw).fill(tiles++),
    });
    expect(Array.from(out, (v) => Math.round(v * 1000) / 1000)).toEqual([0, 0, 0, 0, 0.125, 0.375, 0.625, 0.875, 1, 1, 1, 1]);
  });
});
let tiles = 0;
