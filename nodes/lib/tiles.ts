/**
 * Running a network over overlapping tiles of one image and blending the results, so that memory
 * follows the tile size rather than the image size. Each tile's output is weighted by a linear ramp
 * across the overlap on the sides it shares with a neighbour, and the weighted sum is normalised,
 * so seams fade across the overlap instead of showing.
 */

/** Start offsets along one side: stride tile - overlap, the last tile flush with the end, all multiples of `align`. */
export function tileStarts(size: number, tile: number, overlap: number, align = 1): number[] {
  if (tile >= size) return [0];
  const stride = Math.max(align, Math.floor((tile - overlap) / align) * align);
  const starts: number[] = [];
  for (let s = 0; s + tile < size; s += stride) starts.push(s);
  starts.push(Math.floor((size - tile) / align) * align);
  return [...new Set(starts)];
}

/** The blend weight along one side of a tile spanning [start, end) of `size`, at each output index. */
function ramp(start: number, end: number, size: number, overlap: number): Float32Array {
  const out = new Float32Array(end - start).fill(1);
  if (overlap <= 0) return out;
  for (let i = 0; i < out.length; i++) {
    const fromStart = start > 0 ? (i + 0.5) / overlap : 1;
    const fromEnd = end < size ? (end - start - i - 0.5) / overlap : 1;
    out[i] = Math.min(1, fromStart, fromEnd);
  }
  return out;
}

export interface TiledRun {
  /** One image, planar [channels, height, width]. */
  input: Float32Array;
  channels: number;
  height: number;
  width: number;
  outChannels: number;
  /** Output side / input side: 8 for the VAE decoder, 1/8 for the encoder. */
  scale: number;
  /** Tile side and overlap in input units. */
  tile: number;
  overlap: number;
  /** Tile offsets are multiples of this (8 for the encoder's pixels, so tiles map to whole latent cells). */
  align?: number;
  /** Runs the network on one tile [channels, h, w]; returns [outChannels, h * scale, w * scale]. */
  run: (tile: Float32Array, h: number, w: number) => Promise<Float32Array>;
  onTile?: (done: number, total: number) => void;
}

export async function runTiled(options: TiledRun): Promise<Float32Array> {
  const { input, channels, height, width, outChannels, scale, tile, overlap, run } = options;
  const outH = Math.round(height * scale);
  const outW = Math.round(width * scale);
  const sum = new Float32Array(outChannels * outH * outW);
  const weightSum = new Float32Array(outH * outW);
  const ys = tileStarts(height, tile, overlap, options.align);
  const xs = tileStarts(width, tile, overlap, options.align);
  const outOverlap = overlap * scale;
  let done = 0;
  for (const y0 of ys) {
    for (const x0 of xs) {
      const th = Math.min(tile, height - y0);
      const tw = Math.min(tile, width - x0);
      const piece = new Float32Array(channels * th * tw);
      for (let c = 0; c < channels; c++) {
        for (let y = 0; y < th; y++) {
          const src = (c * height + y0 + y) * width + x0;
          piece.set(input.subarray(src, src + tw), (c * th + y) * tw);
        }
      }
      const result = await run(piece, th, tw);
      const [oy, ox, oh, ow] = [y0 * scale, x0 * scale, th * scale, tw * scale].map(Math.round);
      const [wy, wx] = [ramp(oy, oy + oh, outH, outOverlap), ramp(ox, ox + ow, outW, outOverlap)];
      addWeighted(sum, weightSum, outChannels, outH, outW, result, oy, ox, oh, ow, wy, wx);
      options.onTile?.(++done, ys.length * xs.length);
    }
  }
  normalise(sum, weightSum, outChannels);
  return sum;
}

// The per-pixel loops live in plain functions: V8 optimises a hot loop in the middle of a running function (OSR)
// only outside async functions, and a one-shot decode would otherwise blend its whole image in the interpreter.

/** Adds a tile's output [channels, oh, ow], weighted by wy[y] * wx[x], into `sum` and the weights into `weightSum`. */
function addWeighted(
  sum: Float32Array, weightSum: Float32Array, channels: number, outH: number, outW: number,
  tile: Float32Array, oy: number, ox: number, oh: number, ow: number, wy: Float32Array, wx: Float32Array,
): void {
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const weight = wy[y] * wx[x];
      const at = (oy + y) * outW + ox + x;
      weightSum[at] += weight;
      for (let c = 0; c < channels; c++) sum[c * outH * outW + at] += weight * tile[(c * oh + y) * ow + x];
    }
  }
}

function normalise(sum: Float32Array, weightSum: Float32Array, channels: number): void {
  const plane = weightSum.length;
  for (let c = 0; c < channels; c++) {
    for (let p = 0; p < plane; p++) sum[c * plane + p] /= weightSum[p];
  }
}
