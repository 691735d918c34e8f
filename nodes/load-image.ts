import type { BigIntStats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { defineNode, output, string } from '../runtime/index.ts';
import { imageNameInvalid, imageTooLarge, imageUnreadable, inputImageNotFound } from './lib/errors.ts';
import { decodeForVae, ImageDecodeError } from './lib/image-decoder.ts';
import { MAX_IMAGE_PIXELS } from './lib/image-dimensions.ts';
import { resolveInside } from './lib/safe-path.ts';
import { MAX_IMAGE_SIDE } from './empty-latent.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { ImageBatch } from './lib/sd-types.ts';

/** Example images shipped with the repository, so the img2img workflow runs out of the box. */
export const EXAMPLE_IMAGES_DIR = fileURLToPath(new URL('../workflows/assets/', import.meta.url));

/** The file `image` names: in the input folder, else among the example images. */
async function locateImage(image: string, inputDir: string): Promise<{ path: string; stats: BigIntStats }> {
  let candidates: string[];
  try {
    candidates = [resolveInside(inputDir, image), resolveInside(EXAMPLE_IMAGES_DIR, image)];
  } catch (cause) {
    throw imageNameInvalid(image, cause);
  }
  for (const path of candidates) {
    try {
      return { path, stats: await stat(path, { bigint: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw inputImageNotFound(image, [inputDir, EXAMPLE_IMAGES_DIR]);
}

export default defineNode({
  type: 'LoadImage',
  displayName: 'Load Image',
  category: 'image',
  description:
    'Reads a PNG or JPEG from the input folder (the CLI\'s ./input, or the server\'s uploads); names not found there are ' +
    'looked up among the example images in workflows/assets/. Names cannot leave those folders. ' +
    `The image is shrunk to fit ${MAX_IMAGE_SIDE} pixels if larger, then centre-cropped to multiples of 8 (at most 7 pixels lost per side); ` +
    `transparency is dropped. Files are decoded off the main thread; one declaring more than ${MAX_IMAGE_PIXELS / 1e6} MP is refused unread. ` +
    'Re-read (with the nodes after it) only when the file changes: its path, size or modification time.',
  inputs: {
    image: string({ default: 'example.png', description: 'File name inside the input folder.' }),
  },
  outputs: {
    image: output<ImageBatch>(SD_TYPES.image),
  },
  async fingerprint({ image }, env) {
    const { path, stats } = await locateImage(image, env.inputDir);
    return `${path} ${stats.size} ${stats.mtimeNs}`;
  },
  async execute({ image }, ctx) {
    const found = await locateImage(image, ctx.env.inputDir);
    const bytes = await readFile(found.path);
    try {
      return { image: await decodeForVae(bytes, 8, MAX_IMAGE_SIDE) };
    } catch (cause) {
      throw cause instanceof ImageDecodeError && cause.reason === 'too_large' ? imageTooLarge(found.path, cause) : imageUnreadable(found.path, cause);
    }
  },
});
