import { defineNode, int, output, socket } from '../runtime/index.ts';
import { imageSideInvalid, nativeSizeNeedsUnet } from './lib/errors.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { Latent, UnetHandle } from './lib/sd-types.ts';

/**
 * Largest image side. SD 1.5 was trained at 512; 2048 (a 256x256 latent) is where one UNet step
 * already needs many GB for the attention of its first level.
 */
export const MAX_IMAGE_SIDE = 2048;
const MIN_IMAGE_SIDE = 64;
/** Sides past this multiple of the model's native size get a warning naming the native size. */
const FAR_ABOVE_NATIVE = 2;

const sideInput = (side: string) =>
  int({
    default: 0,
    min: 0,
    max: MAX_IMAGE_SIDE,
    step: 8,
    description: `Image ${side} in pixels (a multiple of 8), or 0 for the linked unet's native size.`,
  });

export default defineNode({
  type: 'EmptyLatent',
  displayName: 'Empty Latent',
  category: 'latent',
  description:
    `An all-zero latent for txt2img, [batch_size, 4, height/8, width/8]. Width and height are multiples of 8, from ${MIN_IMAGE_SIDE} to ${MAX_IMAGE_SIDE}, ` +
    'or 0 (the default) for the native image size of the model linked to `unet` (512 for SD 1.5, 64 for the tiny models), ' +
    'so a workflow suits whatever model it loads.',
  inputs: {
    unet: socket<UnetHandle | undefined>(SD_TYPES.unet, { optional: true, description: 'The model whose native image size a width or height of 0 means.' }),
    width: sideInput('width'),
    height: sideInput('height'),
    batch_size: int({ default: 1, min: 1, max: 16, description: 'Images generated at once.' }),
  },
  outputs: {
    latent: output<Latent>(SD_TYPES.latent),
  },
  async execute({ unet, width, height, batch_size }, ctx) {
    const sides = { width, height };
    for (const [name, value] of Object.entries(sides) as ['width' | 'height', number][]) {
      if (value === 0) {
        if (!unet) {
          throw nativeSizeNeedsUnet(name);
        }
        sides[name] = unet.nativeImageSize;
      } else if (value % 8 !== 0 || value < MIN_IMAGE_SIDE) {
        throw imageSideInvalid(name, value, MIN_IMAGE_SIDE, MAX_IMAGE_SIDE);
      }
    }
    const native = unet?.nativeImageSize;
    if (native !== undefined && Math.max(sides.width, sides.height) > FAR_ABOVE_NATIVE * native) {
      ctx.log.warn(
        `${sides.width}x${sides.height} is far above the native size of model "${unet?.model}" (${native}x${native}); ` +
          'images that large repeat and lose their composition: use 0 for the native size',
      );
    }
    const shape = [batch_size, 4, sides.height / 8, sides.width / 8];
    return { latent: { data: new Float32Array(shape.reduce((a, b) => a * b, 1)), shape } };
  },
});
