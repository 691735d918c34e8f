/**
 * Resampling of planar float data ([planes, h, w], plane after plane), the maths behind
 * ImageScale and LatentUpscale. The separable methods follow PyTorch's `F.interpolate` (half-pixel
 * centres, no antialiasing) as ComfyUI uses it; `lanczos` is Lanczos-3 widened when shrinking (as
 * PIL's); `bislerp` interpolates the channel vectors of a latent by spherical interpolation.
 */

export const IMAGE_SCALE_METHODS = ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos'] as const;
export const LATENT_SCALE_METHODS = ['nearest-exact', 'bilinear', 'area', 'bicubic', 'bislerp'] as const;
export type ScaleMethod = (typeof IMAGE_SCALE_METHODS)[number] | (typeof LATENT_SCALE_METHODS)[number];

/** Source taps and their weights for each output index along one axis. */
type Taps = { index: Int32Array; weight: Float32Array }[];

const clampIndex = (i: number, n: number) => Math.min(n - 1, Math.max(0, i));

function taps(source: number, target: number, method: Exclude<ScaleMethod, 'bislerp'>): Taps {
  const scale = source / target;
  return Array.from({ length: target }, (_, i) => {
    const pairs: [number, number][] = [];
    const centre = (i + 0.5) * scale - 0.5;
    switch (method) {
      case 'nearest-exact':
        pairs.push([Math.min(source - 1, Math.floor((i + 0.5) * scale)), 1]);
        break;
      case 'bilinear': {
        const pos = Math.max(0, centre);
        const lo = Math.floor(pos);
        pairs.push([clampIndex(lo, source), 1 - (pos - lo)], [clampIndex(lo + 1, source), pos - lo]);
        break;
      }
      case 'bicubic': {
        const lo = Math.floor(centre);
        const t = centre - lo;
        for (let k = -1; k <= 2; k++) pairs.push([clampIndex(lo + k, source), cubic(Math.abs(k - t))]);
        break;
      }
      case 'area': {
        const start = Math.floor((i * source) / target);
        const end = Math.ceil(((i + 1) * source) / target);
        for (let s = start; s < end; s++) pairs.push([s, 1 / (end - start)]);
        break;
      }
      case 'lanczos': {
        const support = 3 * Math.max(1, scale);
        const mid = (i + 0.5) * scale;
        const first = Math.max(0, Math.floor(mid - support));
        const last = Math.min(source - 1, Math.ceil(mid + support));
        let total = 0;
        for (let s = first; s <= last; s++) {
          const w = lanczos3((s + 0.5 - mid) / Math.max(1, scale));
          if (w !== 0) pairs.push([s, w]);
          total += w;
        }
        for (const pair of pairs) pair[1] /= total;
        break;
      }
    }
    return { index: Int32Array.from(pairs, (p) => p[0]), weight: Float32Array.from(pairs, (p) => p[1]) };
  });
}

/** Keys' cubic convolution kernel with a = -0.75 (PyTorch's bicubic). */
function cubic(x: number): number {
  const a = -0.75;
  if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return 0;
}

function lanczos3(x: number): number {
  if (x === 0) return 1;
  if (Math.abs(x) >= 3) return 0;
  const px = Math.PI * x;
  return (3 * Math.sin(px) * Math.sin(px / 3)) / (px * px);
}

/** Resamples `planes` planes of `sw` x `sh` to `w` x `h` with a separable method (rows, then columns). */
export function resamplePlanes(data: Float32Array, planes: number, sw: number, sh: number, w: number, h: number, method: ScaleMethod): Float32Array {
  if (method === 'bislerp') throw new Error('bislerp interpolates channel vectors: use bislerpLatent');
  const xs = taps(sw, w, method);
  const ys = taps(sh, h, method);
  const out = new Float32Array(planes * w * h);
  const row = new Float32Array(w * sh);
  for (let p = 0; p < planes; p++) {
    const src = data.subarray(p * sw * sh, (p + 1) * sw * sh);
    for (let y = 0; y < sh; y++) {
      for (let x = 0; x < w; x++) {
        const { index, weight } = xs[x];
        let sum = 0;
        for (let k = 0; k < index.length; k++) sum += weight[k] * src[y * sw + index[k]];
        row[y * w + x] = sum;
      }
    }
    const dst = out.subarray(p * w * h, (p + 1) * w * h);
    for (let y = 0; y < h; y++) {
      const { index, weight } = ys[y];
      for (let x = 0; x < w; x++) {
        let sum = 0;
        for (let k = 0; k < index.length; k++) sum += weight[k] * row[index[k] * w + x];
        dst[y * w + x] = sum;
      }
    }
  }
  return out;
}

/**
 * Spherical interpolation between vectors a and b: the direction moves along the great circle,
 * the length linearly (ComfyUI's bislerp rule). Nearly parallel or opposite vectors fall back to
 * one endpoint's direction.
 */
function slerpInto(out: Float32Array, a: Float32Array, b: Float32Array, t: number): void {
  let na = 0, nb = 0, dot = 0;
  for (let c = 0; c < a.length; c++) {
    na += a[c] * a[c];
    nb += b[c] * b[c];
    dot += a[c] * b[c];
  }
  na = Math.sqrt(na);
  nb = Math.sqrt(nb);
  const length = na * (1 - t) + nb * t;
  if (na === 0 || nb === 0) {
    for (let c = 0; c < a.length; c++) out[c] = a[c] * (1 - t) + b[c] * t;
    return;
  }
  const cos = dot / (na * nb);
  let wa: number, wb: number;
  if (cos > 1 - 1e-5) [wa, wb] = [1 - t, t];
  else if (cos < -1 + 1e-5) [wa, wb] = [t < 0.5 ? 1 : 0, t < 0.5 ? 0 : 1];
  else {
    const omega = Math.acos(cos);
    const so = Math.sin(omega);
    [wa, wb] = [Math.sin((1 - t) * omega) / so, Math.sin(t * omega) / so];
  }
  let norm = 0;
  for (let c = 0; c < a.length; c++) {
    out[c] = (wa * a[c]) / na + (wb * b[c]) / nb;
    norm += out[c] * out[c];
  }
  norm = Math.sqrt(norm) || 1;
  for (let c = 0; c < a.length; c++) out[c] = (out[c] / norm) * length;
}

/** Bilinear positions (half-pixel centres, clamped) along one axis: lower index, upper index, fraction. */
function linearPositions(source: number, target: number): [number, number, number][] {
  const scale = source / target;
  return Array.from({ length: target }, (_, i) => {
    const pos = Math.min(source - 1, Math.max(0, (i + 0.5) * scale - 0.5));
    const lo = Math.floor(pos);
    return [lo, Math.min(source - 1, lo + 1), pos - lo];
  });
}

/** Resizes a latent [batch, channels, sh, sw] to [batch, channels, h, w] by bislerp: along x, then along y. */
export function bislerpLatent(data: Float32Array, batch: number, channels: number, sw: number, sh: number, w: number, h: number): Float32Array {
  const pass = (src: Float32Array, inW: number, inH: number, outW: number, outH: number, alongX: boolean) => {
    const out = new Float32Array(batch * channels * outW * outH);
    const positions = alongX ? linearPositions(inW, outW) : linearPositions(inH, outH);
    const a = new Float32Array(channels);
    const b = new Float32Array(channels);
    const v = new Float32Array(channels);
    for (let n = 0; n < batch; n++) {
      for (let y = 0; y < outH; y++) {
        for (let x = 0; x < outW; x++) {
          const [lo, hi, t] = positions[alongX ? x : y];
          for (let c = 0; c < channels; c++) {
            const plane = (n * channels + c) * inH;
            a[c] = alongX ? src[(plane + y) * inW + lo] : src[(plane + lo) * inW + x];
            b[c] = alongX ? src[(plane + y) * inW + hi] : src[(plane + hi) * inW + x];
          }
          slerpInto(v, a, b, t);
          for (let c = 0; c < channels; c++) out[((n * channels + c) * outH + y) * outW + x] = v[c];
        }
      }
    }
    return out;
  };
  return pass(pass(data, sw, sh, w, sh, true), w, sh, w, h, false);
}

/** The centred window of the source with the target's aspect ratio (ComfyUI's crop: "center"). */
export function centreCropBox(sw: number, sh: number, w: number, h: number): { x: number; y: number; width: number; height: number } {
  const sourceAspect = sw / sh;
  const targetAspect = w / h;
  if (sourceAspect > targetAspect) {
    const width = Math.round(sh * targetAspect);
    return { x: Math.floor((sw - width) / 2), y: 0, width, height: sh };
  }
  const height = Math.round(sw / targetAspect);
  return { x: 0, y: Math.floor((sh - height) / 2), width: sw, height };
}

/** The window (x, y, width, height) of every plane. */
export function cropPlanes(data: Float32Array, planes: number, sw: number, sh: number, box: { x: number; y: number; width: number; height: number }): Float32Array {
  const out = new Float32Array(planes * box.width * box.height);
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < box.height; y++) {
      const start = (p * sh + box.y + y) * sw + box.x;
      out.set(data.subarray(start, start + box.width), (p * box.height + y) * box.width);
    }
  }
  return out;
}
