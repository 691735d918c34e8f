import { choice, defineNode, output, string } from '../runtime/index.ts';
import { imageFingerprint, readInputImage } from './lib/input-image.ts';
import { channelAsImage, emptyMask, maskFromGray } from './lib/mask.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { Mask } from './lib/sd-types.ts';

const CHANNELS = ['alpha', 'red', 'green', 'blue'] as const;

export default defineNode({
  type: 'LoadImageMask',
  displayName: 'Load Image (as Mask)',
  category: 'mask',
  description:
    'Reads one channel of an image from the input folder (found, shrunk and cropped as LoadImage does) as a mask: ' +
    'red, green or blue as value / 255 (a gray image reads the same in all three), alpha as 1 - alpha / 255 ' +
    '(transparent = 1, the region to inpaint, as in ComfyUI). A channel the file does not have gives an all-0 mask.',
  inputs: {
    image: string({ default: 'example-mask.png', description: 'File name inside the input folder.' }),
    channel: choice({ choices: CHANNELS, default: 'alpha', description: 'Which channel becomes the mask.' }),
  },
  outputs: {
    mask: output<Mask>(SD_TYPES.mask),
  },
  fingerprint: ({ image }, env) => imageFingerprint(image, env.inputDir),
  execute: ({ image, channel }, ctx) =>
    readInputImage(image, ctx.env.inputDir, (pixels, fit) => {
      const hasAlpha = pixels.channels === 2 || pixels.channels === 4;
      const colour = pixels.channels >= 3 ? CHANNELS.indexOf(channel) - 1 : 0;
      if (channel === 'alpha' && !hasAlpha) {
        const size = fit(channelAsImage(pixels, 0));
        return { mask: emptyMask(size.width, size.height) };
      }
      const index = channel === 'alpha' ? pixels.channels - 1 : colour;
      return { mask: maskFromGray(fit(channelAsImage(pixels, index)), channel === 'alpha') };
    }),
});
