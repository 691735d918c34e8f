import { defineNode, output, string } from '../runtime/index.ts';
import { imageFromPixels } from './lib/image.ts';
import { imageFingerprint, readInputImage } from './lib/input-image.ts';
import { channelAsImage, emptyMask, maskFromGray } from './lib/mask.ts';
import { MAX_IMAGE_PIXELS } from './lib/image-dimensions.ts';
import { MAX_IMAGE_SIDE } from './empty-latent.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { ImageBatch, Mask } from './lib/sd-types.ts';

export { EXAMPLE_IMAGES_DIR } from './lib/input-image.ts';

export default defineNode({
  type: 'LoadImage',
  displayName: 'Load Image',
  category: 'image',
  description:
    'Reads a PNG or JPEG from the input folder (the CLI\'s ./input, or the server\'s uploads); names not found there are ' +
    'looked up among the example images in workflows/assets/. Names cannot leave those folders. ' +
    `The image is shrunk to fit ${MAX_IMAGE_SIDE} pixels if larger, then centre-cropped to multiples of 8 (at most 7 pixels lost per side). ` +
    'Its transparency comes out as `mask` (1 where the image is transparent, the region to inpaint, as in ComfyUI; all 0 without an alpha channel). ' +
    `Files are decoded off the main thread; one declaring more than ${MAX_IMAGE_PIXELS / 1e6} MP is refused unread. ` +
    'Re-read (with the nodes after it) only when the file changes: its path, size or modification time.',
  inputs: {
    image: string({ default: 'example.png', description: 'File name inside the input folder.' }),
  },
  outputs: {
    image: output<ImageBatch>(SD_TYPES.image),
    mask: output<Mask>(SD_TYPES.mask, 'Transparency: 1 where transparent, 0 where opaque'),
  },
  fingerprint: ({ image }, env) => imageFingerprint(image, env.inputDir),
  execute: ({ image }, ctx) =>
    readInputImage(image, ctx.env.inputDir, (pixels, fit) => {
      const picture = fit(imageFromPixels(pixels));
      const hasAlpha = pixels.channels === 2 || pixels.channels === 4;
      const mask = hasAlpha ? maskFromGray(fit(channelAsImage(pixels, pixels.channels - 1)), true) : emptyMask(picture.width, picture.height);
      return { image: picture, mask };
    }),
});
