import { describe, expect, it } from 'vitest';
import { autoTileSize, planTiles, REAL_ESRGAN_X4PLUS, TileBlender } from '../../../models/upscale/index.ts';

describe('planTiles', () => {
  it('covers every pixel, with consecutive tiles overlapping by at least the overlap', () => {
    const tiles = planTiles(100, 70, 32, 8);
    const covered = new Uint8Array(100 * 70);
    for (const t of tiles) for (let y = t.y; y < t.y + t.height; y++) for (let x = t.x; x < t.x + t.width; x++) covered[y * 100 + x] = 1;
    expect(covered.every((c) => c === 1)).toBe(true);
    const xs = [...new Set(tiles.map((t) => t.x))];
    expect(xs).toEqual([0, 24, 48, 68]);
    for (let i = 1; i < xs.length; i++) expect(xs[i - 1] + 32 - xs[i]).toBeGreaterThanOrEqual(8);
  });

  it('marks the sides a tile shares with a neighbour', () => {
    const tiles = planTiles(48, 48, 32, 8);
    expect(tiles.map((t) => t.shared)).toEqual([
      [false, false, true, true], [true, false, false, true],
      [false, true, true, false], [true, true, false, false],
    ]);
  });

  it('keeps positions even when the tile, overlap and sides are (pixel-unshuffle models)', () => {
    for (const t of planTiles(90, 62, 40, 12)) expect([t.x % 2, t.y % 2]).toEqual([0, 0]);
  });

  it('uses one tile for an image no larger than the tile', () => {
    expect(planTiles(20, 10, 32, 8)).toEqual([{ x: 0, y: 0, width: 20, height: 10, shared: [false, false, false, false] }]);
  });
});

describe('TileBlender', () => {
  it('gives every pixel weight: equal tiles give back the same image, whatever the overlaps', () => {
    const blender = new TileBlender(200, 140, 2, 8);
    for (const t of planTiles(100, 70, 32, 8)) blender.add(t, new Float32Array(3 * 64 * 64).fill(0.5));
    expect(new Set(blender.toRgb())).toEqual(new Set([128]));
  });

  it('leaves the outer quarter of an overlap to the neighbour and cross-fades the middle half', () => {
    const blender = new TileBlender(24, 1, 1, 8);
    const [a, b] = planTiles(24, 1, 16, 8);
    blender.add(a, new Float32Array(3 * 16).fill(0));
    blender.add(b, new Float32Array(3 * 16).fill(1));
    const red = Array.from(blender.toRgb().filter((_, i) => i % 3 === 0));
    expect(red.slice(0, 10)).toEqual(new Array(10).fill(0));
    expect(red.slice(14)).toEqual(new Array(10).fill(255));
    expect(red.slice(10, 14)).toEqual([32, 96, 159, 223]);
  });
});

describe('autoTileSize', () => {
  it('gives Real-ESRGAN x4plus 160-pixel tiles within the 512 MiB budget, smaller tiles for a smaller budget', () => {
    expect(autoTileSize({ ...REAL_ESRGAN_X4PLUS, scale: 4 })).toBe(160);
    expect(autoTileSize({ ...REAL_ESRGAN_X4PLUS, scale: 4 }, 128 * 2 ** 20)).toBe(64);
  });
});
