/**
 * Canny edge detection on one gray image with values in [0, 1]: a 5x5 Gaussian blur (sigma 1), 3x3 Sobel
 * gradients, non-maximum suppression along the gradient direction and hysteresis between two thresholds.
 * The thresholds compare with the L2 magnitude of the unnormalised Sobel gradient of the [0, 1] image, the scale
 * ComfyUI's Canny node (kornia) uses; cv2.Canny on the 8-bit image takes the same values times 255.
 */
export interface GrayImage {
  width: number;
  height: number;
  /** Row after row, one value in [0, 1] a pixel. */
  data: Float32Array;
}

export interface CannyThresholds {
  /** Edges weaker than this are dropped; between the two they stay only when connected to a strong one. */
  low: number;
  /** Edges stronger than this are always kept. */
  high: number;
}

/** ITU-R BT.601 luma of interleaved 8-bit RGB (the weights OpenCV and kornia use), scaled to [0, 1]. */
export function grayFromRgb(rgb: Uint8Array, width: number, height: number): GrayImage {
  const data = new Float32Array(width * height);
  for (let p = 0; p < data.length; p++) {
    data[p] = (0.299 * rgb[p * 3] + 0.587 * rgb[p * 3 + 1] + 0.114 * rgb[p * 3 + 2]) / 255;
  }
  return { width, height, data };
}

/** The edge map: 1 where an edge is, else 0, row after row. */
export function canny(image: GrayImage, { low, high }: CannyThresholds): Uint8Array {
  const blurred = gaussianBlur5(image);
  const { magnitude, gx, gy } = sobel(blurred);
  const thin = suppressNonMaxima(magnitude, gx, gy, image.width, image.height);
  return hysteresis(thin, image.width, image.height, Math.min(low, high), Math.max(low, high));
}

/** Mirrors an index past either end without repeating the edge sample (OpenCV's BORDER_REFLECT_101). */
const reflect = (i: number, n: number) => (n === 1 ? 0 : i < 0 ? -i : i >= n ? 2 * n - 2 - i : i);
const clampIndex = (i: number, n: number) => (i < 0 ? 0 : i >= n ? n - 1 : i);

const GAUSSIAN_5_SIGMA_1 = (() => {
  const taps = [-2, -1, 0, 1, 2].map((x) => Math.exp(-(x * x) / 2));
  const sum = taps.reduce((a, b) => a + b, 0);
  return taps.map((t) => t / sum);
})();

/** Separable 5x5 Gaussian, sigma 1, reflected borders. */
function gaussianBlur5({ width, height, data }: GrayImage): GrayImage {
  const rows = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = -2; k <= 2; k++) sum += GAUSSIAN_5_SIGMA_1[k + 2] * data[y * width + reflect(x + k, width)];
      rows[y * width + x] = sum;
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = -2; k <= 2; k++) sum += GAUSSIAN_5_SIGMA_1[k + 2] * rows[reflect(y + k, height) * width + x];
      out[y * width + x] = sum;
    }
  }
  return { width, height, data: out };
}

/** 3x3 Sobel derivatives (unnormalised) with replicated borders, and their L2 magnitude. */
function sobel({ width, height, data }: GrayImage) {
  const gx = new Float32Array(width * height);
  const gy = new Float32Array(width * height);
  const magnitude = new Float32Array(width * height);
  const at = (x: number, y: number) => data[clampIndex(y, height) * width + clampIndex(x, width)];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = at(x + 1, y - 1) + 2 * at(x + 1, y) + at(x + 1, y + 1) - at(x - 1, y - 1) - 2 * at(x - 1, y) - at(x - 1, y + 1);
      const dy = at(x - 1, y + 1) + 2 * at(x, y + 1) + at(x + 1, y + 1) - at(x - 1, y - 1) - 2 * at(x, y - 1) - at(x + 1, y - 1);
      const p = y * width + x;
      gx[p] = dx;
      gy[p] = dy;
      magnitude[p] = Math.hypot(dx, dy);
    }
  }
  return { magnitude, gx, gy };
}

const TAN_22_5 = Math.tan(Math.PI / 8);
const TAN_67_5 = Math.tan((3 * Math.PI) / 8);

/**
 * Keeps a pixel's magnitude only where it is a maximum across the edge: compared with its two neighbours along
 * the gradient direction (quantised to 0, 45, 90 or 135 degrees), strictly greater than the one behind and at
 * least the one ahead, so a plateau two pixels wide still gives a one-pixel edge. Outside the image counts as 0.
 */
function suppressNonMaxima(magnitude: Float32Array, gx: Float32Array, gy: Float32Array, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= width || y >= height ? 0 : magnitude[y * width + x]);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const m = magnitude[p];
      if (m === 0) continue;
      const ax = Math.abs(gx[p]);
      const ay = Math.abs(gy[p]);
      let behind: number, ahead: number;
      if (ay <= ax * TAN_22_5) {
        behind = at(x - 1, y);
        ahead = at(x + 1, y);
      } else if (ay > ax * TAN_67_5) {
        behind = at(x, y - 1);
        ahead = at(x, y + 1);
      } else if (gx[p] * gy[p] > 0) {
        behind = at(x - 1, y - 1);
        ahead = at(x + 1, y + 1);
      } else {
        behind = at(x + 1, y - 1);
        ahead = at(x - 1, y + 1);
      }
      if (m > behind && m >= ahead) out[p] = m;
    }
  }
  return out;
}

/** Edges above `high`, grown through 8-connected pixels above `low`. */
function hysteresis(thin: Float32Array, width: number, height: number, low: number, high: number): Uint8Array {
  const edges = new Uint8Array(width * height);
  const stack: number[] = [];
  for (let p = 0; p < thin.length; p++) {
    if (thin[p] > high && edges[p] === 0) {
      edges[p] = 1;
      stack.push(p);
    }
    while (stack.length > 0) {
      const q = stack.pop() as number;
      const qx = q % width;
      const qy = (q - qx) / width;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = qx + dx;
          const ny = qy + dy;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          const n = ny * width + nx;
          if (edges[n] === 0 && thin[n] > low) {
            edges[n] = 1;
            stack.push(n);
          }
        }
      }
    }
  }
  return edges;
}
