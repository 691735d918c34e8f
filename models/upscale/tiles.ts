import type { RrdbnetConfig } from './rrdbnet-config.ts';

/** A window of the input image, and which sides it shares with a neighbouring tile. */
export interface Tile {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Sides that overlap another tile, blended there: [left, top, right, bottom]. */
  shared: [boolean, boolean, boolean, boolean];
}

function starts(size: number, tile: number, stride: number): number[] {
  if (size <= tile) return [0];
  const out: number[] = [];
  for (let p = 0; p + tile < size; p += stride) out.push(p);
  out.push(size - tile);
  return out;
}

/**
 * Covers a width x height image with tiles of at most `tile` pixels a side, consecutive tiles
 * overlapping by at least `overlap`. Positions are multiples of `align` when `tile`, `overlap` and
 * the image sides are (pixel-unshuffle models need even windows).
 */
export function planTiles(width: number, height: number, tile: number, overlap: number): Tile[] {
  if (overlap >= tile) throw new Error(`tile overlap ${overlap} must be smaller than the tile size ${tile}`);
  const xs = starts(width, tile, tile - overlap);
  const ys = starts(height, tile, tile - overlap);
  const tiles: Tile[] = [];
  ys.forEach((y, row) => {
    xs.forEach((x, col) => {
      tiles.push({
        x, y, width: Math.min(tile, width), height: Math.min(tile, height),
        shared: [col > 0, row > 0, col < xs.length - 1, row < ys.length - 1],
      });
    });
  });
  return tiles;
}

/** Activation memory the tiles may take (float32), which sets the automatic tile size. */
export const DEFAULT_TILE_BUDGET_BYTES = 512 * 2 ** 20;

/**
 * The largest tile side (a multiple of 32, from 32 to 512) whose activations fit `budgetBytes`:
 * about three live tensors of the widest dense-block input at the input size and three of
 * numFeat channels at the output size.
 */
export function autoTileSize(
  config: Pick<RrdbnetConfig, 'numFeat' | 'growth'> & { scale: number }, budgetBytes = DEFAULT_TILE_BUDGET_BYTES,
): number {
  const { scale } = config;
  const bytesPerPixel = 4 * 3 * (config.numFeat + 4 * config.growth + scale * scale * config.numFeat);
  const side = Math.floor(Math.sqrt(budgetBytes / bytesPerPixel) / 32) * 32;
  return Math.min(512, Math.max(32, side));
}

/**
 * Sums upscaled tiles into one image with feathered seams. A tile is least accurate near a shared
 * edge (its convolutions see zero padding there instead of the neighbour's pixels), so inside an
 * overlap its weight is 0 for the outer quarter, ramps linearly over the middle half and is 1 for
 * the inner quarter; the two tiles' weights add up to 1 across the overlap.
 */
export class TileBlender {
  private readonly sum: Float32Array;
  private readonly weight: Float32Array;

  constructor(readonly width: number, readonly height: number, private readonly scale: number, private readonly overlap: number) {
    this.sum = new Float32Array(width * height * 3);
    this.weight = new Float32Array(width * height);
  }

  /** `data` is the model's output for `tile`: float32 [3, h * scale, w * scale]. */
  add(tile: Tile, data: Float32Array): void {
    const s = this.scale;
    const [w, h] = [tile.width * s, tile.height * s];
    const [left, top, right, bottom] = tile.shared;
    const [margin, ramp] = [(this.overlap * s) / 4, (this.overlap * s) / 2];
    const fade = (shared: boolean, distance: number) => (!shared || ramp === 0 ? 1 : Math.min(1, Math.max(0, (distance + 0.5 - margin) / ramp)));
    const wx = Float32Array.from({ length: w }, (_, u) => Math.min(fade(left, u), fade(right, w - 1 - u)));
    const wy = Float32Array.from({ length: h }, (_, v) => Math.min(fade(top, v), fade(bottom, h - 1 - v)));
    const plane = w * h;
    for (let v = 0; v < h; v++) {
      if (wy[v] === 0) continue;
      const row = (tile.y * s + v) * this.width + tile.x * s;
      for (let u = 0; u < w; u++) {
        const weight = wx[u] * wy[v];
        if (weight === 0) continue;
        const p = row + u;
        this.weight[p] += weight;
        const src = v * w + u;
        this.sum[p * 3] += weight * data[src];
        this.sum[p * 3 + 1] += weight * data[plane + src];
        this.sum[p * 3 + 2] += weight * data[2 * plane + src];
      }
    }
  }

  /** The blended image as 8-bit RGB (values clamped to [0, 1]), cropped to `width` x `height`. */
  toRgb(width = this.width, height = this.height): Uint8Array {
    const out = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = y * this.width + x;
        const q = (y * width + x) * 3;
        for (let c = 0; c < 3; c++) out[q + c] = Math.round(Math.min(1, Math.max(0, this.sum[p * 3 + c] / this.weight[p])) * 255);
      }
    }
    return out;
  }
}
