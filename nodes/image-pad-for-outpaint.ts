import { defineNode, int, output, socket } from '../runtime/index.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { ImageBatch, Mask } from './lib/sd-types.ts';

const side = (name: string) => int({ default: 0, min: 0, max: 2048, step: 8, description: `Pixels added on the ${name}.` });
const GRAY = 128;

export default defineNode({
  type: 'ImagePadForOutpaint',
  displayName: 'Pad Image for Outpainting',
  category: 'image',
  description:
    'Extends the canvas by `left`, `top`, `right` and `bottom` pixels of mid-gray and returns the mask of what to paint: ' +
    '1 over the new border. With `feathering` > 0 the mask also reaches into the original image near the padded sides, ' +
    'fading as ((feathering - d) / feathering)^2 with the distance d from the nearest padded edge, so the seam is ' +
    'repainted softly. Feed both to VAEEncodeForInpaint (or VAEEncode + SetLatentNoiseMask).',
  inputs: {
    image: socket<ImageBatch>(SD_TYPES.image),
    left: side('left'),
    top: side('top'),
    right: side('right'),
    bottom: side('bottom'),
    feathering: int({ default: 40, min: 0, max: 2048, description: 'Pixels inside the image over which the mask fades out.' }),
  },
  outputs: {
    image: output<ImageBatch>(SD_TYPES.image, 'The padded image'),
    mask: output<Mask>(SD_TYPES.mask, '1 where the canvas was extended'),
  },
  async execute({ image, left, top, right, bottom, feathering }) {
    const width = image.width + left + right;
    const height = image.height + top + bottom;
    const data = new Uint8Array(width * height * 3 * image.batch).fill(GRAY);
    for (let b = 0; b < image.batch; b++) {
      for (let y = 0; y < image.height; y++) {
        const src = ((b * image.height + y) * image.width) * 3;
        data.set(image.data.subarray(src, src + image.width * 3), ((b * height + y + top) * width + left) * 3);
      }
    }
    const mask = new Float32Array(width * height).fill(1);
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const d = Math.min(
          top > 0 ? y : Infinity,
          bottom > 0 ? image.height - 1 - y : Infinity,
          left > 0 ? x : Infinity,
          right > 0 ? image.width - 1 - x : Infinity,
        );
        mask[(y + top) * width + x + left] = d < feathering ? ((feathering - d) / feathering) ** 2 : 0;
      }
    }
    return { image: { width, height, batch: image.batch, data }, mask: { width, height, batch: 1, data: mask } };
  },
});
