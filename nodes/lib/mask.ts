import type { Pixels } from './png.ts';
import type { ImageBatch } from './image.ts';

/**
 * The MASK socket value: `batch` single-channel planes of one size, float32 in [0, 1], plane after
 * plane. As in ComfyUI, 1 marks the region to change (inpaint, outpaint) and 0 the region to keep.
 */
export interface Mask {
  width: number;
  height: number;
  batch: number;
  data: Float32Array;
}

export const emptyMask = (width: number, height: number, batch = 1): Mask => ({ width, height, batch, data: new Float32Array(width * height * batch) });

/** One byte channel of decoded pixels as a 3-channel image (so it can take the same resize and crop as the picture). */
export function channelAsImage(pixels: Pixels, channel: number): ImageBatch {
  const { width, height, channels, data } = pixels;
  const out = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) out.fill(data[p * channels + channel], p * 3, p * 3 + 3);
  return { width, height, batch: 1, data: out };
}

/** A gray image (its first channel) as a mask: byte / 255, or 1 - byte / 255 when `invert`. */
export function maskFromGray(image: ImageBatch, invert: boolean): Mask {
  const plane = image.width * image.height;
  const data = new Float32Array(plane * image.batch);
  for (let p = 0; p < data.length; p++) {
    const v = image.data[p * 3] / 255;
    data[p] = invert ? 1 - v : v;
  }
  return { width: image.width, height: image.height, batch: image.batch, data };
}

/** Plane `b` of the mask, repeating the last plane for a mask with fewer planes (one mask for a whole batch). */
export function maskPlane(mask: Mask, b: number): Float32Array {
  const plane = mask.width * mask.height;
  const index = Math.min(b, mask.batch - 1);
  return mask.data.subarray(index * plane, (index + 1) * plane);
}

/** Applies `f` to every value. */
export function mapMask(mask: Mask, f: (value: number) => number): Mask {
  return { ...mask, data: mask.data.map(f) };
}

/**
 * Grey-scale dilation (`steps` > 0) or erosion (`steps` < 0), one pixel per step, with a 3x3
 * neighbourhood: the 4-neighbour cross when `tapered` (corners grow rounded), else the full square.
 */
export function growMask(mask: Mask, steps: number, tapered: boolean): Mask {
  const { width, height } = mask;
  const pick = steps > 0 ? Math.max : Math.min;
  const plane = width * height;
  const data = Float32Array.from(mask.data);
  for (let b = 0; b < mask.batch; b++) {
    let current = data.subarray(b * plane, (b + 1) * plane);
    for (let s = 0; s < Math.abs(steps); s++) {
      const next = new Float32Array(plane);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          let v = current[y * width + x];
          for (let dy = -1; dy <= 1; dy++) {
            for (let dx = -1; dx <= 1; dx++) {
              if (tapered && dx !== 0 && dy !== 0) continue;
              const yy = y + dy;
              const xx = x + dx;
              if (yy >= 0 && yy < height && xx >= 0 && xx < width) v = pick(v, current[yy * width + xx]);
            }
          }
          next[y * width + x] = v;
        }
      }
      current = next;
    }
    data.set(current, b * plane);
  }
  return { ...mask, data };
}

/**
 * Fades the mask towards each edge: within `left` pixels of the left edge a value is scaled by
 * (x + 1) / left, and so on for the other sides (ComfyUI's FeatherMask).
 */
export function featherMaskEdges(mask: Mask, sides: { left: number; top: number; right: number; bottom: number }): Mask {
  const { width, height } = mask;
  const data = Float32Array.from(mask.data);
  const ramp = (distance: number, size: number) => (size > 0 && distance < size ? (distance + 1) / size : 1);
  for (let b = 0; b < mask.batch; b++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const f = ramp(x, sides.left) * ramp(width - 1 - x, sides.right) * ramp(y, sides.top) * ramp(height - 1 - y, sides.bottom);
        data[(b * height + y) * width + x] *= f;
      }
    }
  }
  return { ...mask, data };
}

export const MASK_OPERATIONS = ['multiply', 'add', 'subtract', 'and', 'or', 'xor'] as const;
export type MaskOperation = (typeof MASK_OPERATIONS)[number];

const COMBINE: Record<MaskOperation, (d: number, s: number) => number> = {
  multiply: (d, s) => d * s,
  add: (d, s) => d + s,
  subtract: (d, s) => d - s,
  // The logical operations read a value as true when it rounds to 1.
  and: (d, s) => Number(Math.round(d) === 1 && Math.round(s) === 1),
  or: (d, s) => Number(Math.round(d) === 1 || Math.round(s) === 1),
  xor: (d, s) => Number((Math.round(d) === 1) !== (Math.round(s) === 1)),
};

/**
 * Combines `source` into `destination` with its top-left corner at (x, y); where they do not overlap
 * the destination is unchanged. Results are clamped to [0, 1]. The result has the destination's
 * size and the larger batch of the two.
 */
export function compositeMasks(destination: Mask, source: Mask, x: number, y: number, operation: MaskOperation): Mask {
  const { width, height } = destination;
  const batch = Math.max(destination.batch, source.batch);
  const data = new Float32Array(width * height * batch);
  const combine = COMBINE[operation];
  for (let b = 0; b < batch; b++) {
    const dst = maskPlane(destination, b);
    const src = maskPlane(source, b);
    const out = data.subarray(b * width * height, (b + 1) * width * height);
    out.set(dst);
    for (let sy = Math.max(0, -y); sy < source.height && sy + y < height; sy++) {
      for (let sx = Math.max(0, -x); sx < source.width && sx + x < width; sx++) {
        const o = (sy + y) * width + sx + x;
        out[o] = Math.min(1, Math.max(0, combine(dst[o], src[sy * source.width + sx])));
      }
    }
  }
  return { width, height, batch, data };
}

/**
 * The mask resampled to `width` x `height` by area: each output value is the mean of the input area
 * it covers (the fraction of a latent cell that is masked, when shrinking to latent size), bilinear
 * when enlarging.
 */
export function resizeMask(mask: Mask, width: number, height: number): Mask {
  if (mask.width === width && mask.height === height) return mask;
  const data = new Float32Array(width * height * mask.batch);
  for (let b = 0; b < mask.batch; b++) {
    const src = maskPlane(mask, b);
    const out = data.subarray(b * width * height, (b + 1) * width * height);
    resamplePlane(src, mask.width, mask.height, out, width, height);
  }
  return { width, height, batch: mask.batch, data };
}

/** Area average when shrinking a side, bilinear (half-pixel centres, edge clamped) when enlarging it. */
function resamplePlane(src: Float32Array, sw: number, sh: number, out: Float32Array, w: number, h: number): void {
  const xs = axisWeights(sw, w);
  const ys = axisWeights(sh, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (const [yy, wy] of ys[y]) for (const [xx, wx] of xs[x]) sum += wy * wx * src[yy * sw + xx];
      out[y * w + x] = sum;
    }
  }
}

/** For each output position, the source indices and weights along one axis. */
function axisWeights(source: number, target: number): [number, number][][] {
  const scale = source / target;
  return Array.from({ length: target }, (_, i) => {
    if (scale >= 1) {
      const start = i * scale;
      const end = start + scale;
      const weights: [number, number][] = [];
      for (let s = Math.floor(start); s < Math.min(source, Math.ceil(end)); s++) {
        const cover = Math.min(end, s + 1) - Math.max(start, s);
        if (cover > 1e-9) weights.push([s, cover / scale]);
      }
      return weights;
    }
    const pos = Math.min(source - 1, Math.max(0, (i + 0.5) * scale - 0.5));
    const lo = Math.floor(pos);
    const hi = Math.min(source - 1, lo + 1);
    const t = pos - lo;
    return t === 0 ? [[lo, 1]] : [[lo, 1 - t], [hi, t]];
  });
}

/** The normalised 1-D Gaussian of `sigma`, radius ceil(2.5 * sigma): weights for offsets -radius..radius. */
function gaussianKernel(sigma: number): Float32Array {
  const radius = Math.ceil(2.5 * sigma);
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += kernel[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  return kernel.map((w) => w / sum);
}

/** One pass of `kernel` along each row (`x`) or each column (`y`) of a plane `width` wide, edges clamped. */
function convolveAxis(src: Float32Array, out: Float32Array, length: number, lines: number, along: 'x' | 'y', width: number, kernel: Float32Array): void {
  const radius = (kernel.length - 1) / 2;
  for (let line = 0; line < lines; line++) {
    for (let i = 0; i < length; i++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) {
        const j = Math.min(length - 1, Math.max(0, i + k));
        sum += kernel[k + radius] * src[along === 'x' ? line * width + j : j * width + line];
      }
      out[along === 'x' ? line * width + i : i * width + line] = sum;
    }
  }
}

/**
 * Separable Gaussian blur of each plane by `sigma` (a row pass, then a column pass; radius ceil(2.5 sigma),
 * edge pixels repeated beyond the border); a sigma of 0 returns the mask as it is.
 */
export function blurMask(mask: Mask, sigma: number): Mask {
  if (sigma <= 0) return mask;
  const { width, height } = mask;
  const plane = width * height;
  const kernel = gaussianKernel(sigma);
  const data = Float32Array.from(mask.data);
  const scratch = new Float32Array(plane);
  for (let b = 0; b < mask.batch; b++) {
    const current = data.subarray(b * plane, (b + 1) * plane);
    convolveAxis(current, scratch, width, height, 'x', width, kernel);
    convolveAxis(scratch, current, height, width, 'y', width, kernel);
  }
  return { ...mask, data };
}
