import { bislerpLatent, centreCropBox, cropPlanes, resamplePlanes } from './resample.ts';
import type { ScaleMethod } from './resample.ts';
import { imageToPlanes, planesToImage } from './image-planes.ts';
import type { ImageBatch } from './image.ts';
import type { Latent } from './sd-types.ts';

export const CROP_MODES = ['disabled', 'center'] as const;
export type CropMode = (typeof CROP_MODES)[number];

/** Resamples planes [batch * channels, sh, sw], cropping them first to the target's aspect ratio for `center`. */
function scalePlanes(data: Float32Array, batch: number, channels: number, sw: number, sh: number, w: number, h: number, method: ScaleMethod, crop: CropMode) {
  let source = data;
  let [cw, ch] = [sw, sh];
  if (crop === 'center') {
    const box = centreCropBox(sw, sh, w, h);
    source = cropPlanes(data, batch * channels, sw, sh, box);
    [cw, ch] = [box.width, box.height];
  }
  return method === 'bislerp' ? bislerpLatent(source, batch, channels, cw, ch, w, h) : resamplePlanes(source, batch * channels, cw, ch, w, h, method);
}

/** The latent at `width` x `height` latent cells; its noise mask (any resolution) stays as it is. */
export function scaleLatent(latent: Latent, width: number, height: number, method: ScaleMethod, crop: CropMode): Latent {
  const [batch, channels, h, w] = latent.shape;
  const data = scalePlanes(latent.data, batch, channels, w, h, width, height, method, crop);
  return { ...latent, data, shape: [batch, channels, height, width] };
}

export function scaleImage(image: ImageBatch, width: number, height: number, method: ScaleMethod, crop: CropMode): ImageBatch {
  const planes = scalePlanes(imageToPlanes(image), image.batch, 3, image.width, image.height, width, height, method, crop);
  return planesToImage(planes, image.batch, width, height);
}
