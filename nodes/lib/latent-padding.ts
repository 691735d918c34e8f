/**
 * The SD 1.5 UNet halves the latent three times and concatenates each upsampled level with its
 * skip connection, so its graph needs latent sides divisible by 8 (images by 64). Latents of other
 * multiple-of-8 images are padded by repeating their edge, and the result cropped back.
 */
export const UNET_LATENT_MULTIPLE = 8;

export const paddedSide = (side: number) => Math.ceil(side / UNET_LATENT_MULTIPLE) * UNET_LATENT_MULTIPLE;

/** Copies planes of h x w into planes of ph x pw (ph >= h, pw >= w), repeating the last row and column. */
export function padPlanes(data: Float32Array, planes: number, h: number, w: number, ph: number, pw: number): Float32Array {
  const out = new Float32Array(planes * ph * pw);
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < ph; y++) {
      const src = (p * h + Math.min(y, h - 1)) * w;
      const dst = (p * ph + y) * pw;
      out.set(data.subarray(src, src + w), dst);
      out.fill(data[src + w - 1], dst + w, dst + pw);
    }
  }
  return out;
}

/** The top-left h x w window of each ph x pw plane. */
export function cropPlanes(data: Float32Array, planes: number, ph: number, pw: number, h: number, w: number): Float32Array {
  const out = new Float32Array(planes * h * w);
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < h; y++) out.set(data.subarray((p * ph + y) * pw, (p * ph + y) * pw + w), (p * h + y) * w);
  }
  return out;
}
