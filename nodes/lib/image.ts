import type { Pixels } from './png.ts';

/** The IMAGE socket value: `batch` RGB images of one size, 8-bit, interleaved, image after image. */
export interface ImageBatch {
  width: number;
  height: number;
  batch: number;
  data: Uint8Array;
}

/** Converts decoded pixels (gray, gray+alpha, RGB, RGBA) to a one-image RGB batch; alpha is dropped. */
export function imageFromPixels(pixels: Pixels): ImageBatch {
  const { width, height, channels, data } = pixels;
  const out = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    const src = p * channels;
    if (channels <= 2) {
      out.fill(data[src], p * 3, p * 3 + 3);
    } else {
      out[p * 3] = data[src];
      out[p * 3 + 1] = data[src + 1];
      out[p * 3 + 2] = data[src + 2];
    }
  }
  return { width, height, batch: 1, data: out };
}

/** Image `index` of a batch as RGB pixels (a view, no copy). */
export function batchItem(image: ImageBatch, index: number): Pixels {
  const size = image.width * image.height * 3;
  return { width: image.width, height: image.height, channels: 3, data: image.data.subarray(index * size, (index + 1) * size) };
}

/** Cuts the centred `width` x `height` window out of every image of the batch. */
export function centerCrop(image: ImageBatch, width: number, height: number): ImageBatch {
  if (width > image.width || height > image.height) {
    throw new Error(`cannot crop a ${image.width}x${image.height} image to ${width}x${height}`);
  }
  const left = Math.floor((image.width - width) / 2);
  const top = Math.floor((image.height - height) / 2);
  const out = new Uint8Array(width * height * 3 * image.batch);
  for (let b = 0; b < image.batch; b++) {
    for (let y = 0; y < height; y++) {
      const src = ((b * image.height + top + y) * image.width + left) * 3;
      out.set(image.data.subarray(src, src + width * 3), (b * height + y) * width * 3);
    }
  }
  return { width, height, batch: image.batch, data: out };
}

/**
 * Resizes every image of the batch. Each output pixel averages the source area it covers
 * (box filter), which is right for shrinking; for enlarging it degrades to nearest neighbour.
 */
export function resize(image: ImageBatch, width: number, height: number): ImageBatch {
  const out = new Uint8Array(width * height * 3 * image.batch);
  const sx = image.width / width;
  const sy = image.height / height;
  for (let b = 0; b < image.batch; b++) {
    const base = b * image.width * image.height * 3;
    for (let y = 0; y < height; y++) {
      const y0 = Math.floor(y * sy);
      const y1 = Math.max(y0 + 1, Math.floor((y + 1) * sy));
      for (let x = 0; x < width; x++) {
        const x0 = Math.floor(x * sx);
        const x1 = Math.max(x0 + 1, Math.floor((x + 1) * sx));
        let r = 0, g = 0, bl = 0;
        for (let yy = y0; yy < y1; yy++) {
          for (let xx = x0; xx < x1; xx++) {
            const s = base + (yy * image.width + xx) * 3;
            r += image.data[s];
            g += image.data[s + 1];
            bl += image.data[s + 2];
          }
        }
        const n = (y1 - y0) * (x1 - x0);
        const o = ((b * height + y) * width + x) * 3;
        out[o] = Math.round(r / n);
        out[o + 1] = Math.round(g / n);
        out[o + 2] = Math.round(bl / n);
      }
    }
  }
  return { width, height, batch: image.batch, data: out };
}

/**
 * Makes an image fit what the VAE accepts: shrinks it (keeping its aspect ratio) when a side
 * exceeds `maxSide`, then centre-crops both sides down to a multiple of `multiple`.
 */
export function fitForVae(image: ImageBatch, multiple: number, maxSide: number): ImageBatch {
  let fitted = image;
  const longest = Math.max(image.width, image.height);
  if (longest > maxSide) {
    const scale = maxSide / longest;
    fitted = resize(image, Math.max(1, Math.round(image.width * scale)), Math.max(1, Math.round(image.height * scale)));
  }
  const width = fitted.width - (fitted.width % multiple);
  const height = fitted.height - (fitted.height % multiple);
  if (width < multiple || height < multiple) {
    throw new Error(`image is ${image.width}x${image.height}; both sides must be at least ${multiple} pixels`);
  }
  return width === fitted.width && height === fitted.height ? fitted : centerCrop(fitted, width, height);
}

/** RGB bytes -> NCHW float32 in [-1, 1], the VAE encoder's input. */
export function imageToTensor(image: ImageBatch): Float32Array {
  const { width, height, batch, data } = image;
  const plane = width * height;
  const out = new Float32Array(batch * 3 * plane);
  for (let b = 0; b < batch; b++) {
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) out[(b * 3 + c) * plane + p] = data[(b * plane + p) * 3 + c] / 127.5 - 1;
    }
  }
  return out;
}

/** NCHW float32 in [-1, 1] (the VAE decoder's output) -> RGB bytes: ((x + 1) / 2 clamped to [0, 1]) * 255, rounded. */
export function tensorToImage(tensor: Float32Array, batch: number, height: number, width: number): ImageBatch {
  const plane = width * height;
  if (tensor.length !== batch * 3 * plane) throw new Error(`image tensor has ${tensor.length} values, expected ${batch}x3x${height}x${width}`);
  const out = new Uint8Array(batch * plane * 3);
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < plane; p++) {
        const v = (tensor[(b * 3 + c) * plane + p] + 1) / 2;
        out[(b * plane + p) * 3 + c] = Math.round(Math.min(1, Math.max(0, v)) * 255);
      }
    }
  }
  return { width, height, batch, data: out };
}
