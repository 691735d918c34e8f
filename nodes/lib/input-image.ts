import type { BigIntStats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isLatentflowError, resolveInside } from '../../runtime/index.ts';
import { imageNameInvalid, imageTooLarge, imageUnreadable, inputImageNotFound } from './errors.ts';
import { decodePixelsInBackground, ImageDecodeError } from './image-decoder.ts';
import { fitForVae } from './image.ts';
import type { ImageBatch } from './image.ts';
import type { Pixels } from './png.ts';
import { MAX_IMAGE_SIDE } from '../empty-latent.ts';

/** Example images shipped with the repository, so the image workflows run out of the box. */
export const EXAMPLE_IMAGES_DIR = fileURLToPath(new URL('../../workflows/assets/', import.meta.url));

/** Why a name finds no file: none there, a file where a folder is named ("a.png/b.png"), a part too long. */
const NOT_THERE = new Set(['ENOENT', 'ENOTDIR', 'ENAMETOOLONG']);

/** The file `image` names: in the input folder, else among the example images. */
export async function locateImage(image: string, inputDir: string): Promise<{ path: string; stats: BigIntStats }> {
  let candidates: string[];
  try {
    candidates = [await resolveInside(inputDir, image), await resolveInside(EXAMPLE_IMAGES_DIR, image)];
  } catch (error) {
    // By "..", an absolute path or a symlink planted in the folder: the cause says which.
    if (isLatentflowError(error, 'path_escape')) throw imageNameInvalid(image, error);
    if (NOT_THERE.has((error as NodeJS.ErrnoException).code ?? '')) throw inputImageNotFound(image, [inputDir, EXAMPLE_IMAGES_DIR]);
    throw error;
  }
  for (const path of candidates) {
    try {
      return { path, stats: await stat(path, { bigint: true }) };
    } catch (error) {
      if (!NOT_THERE.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
  }
  throw inputImageNotFound(image, [inputDir, EXAMPLE_IMAGES_DIR]);
}

/** What a file input's node fingerprints: it re-runs when the file's path, size or modification time change. */
export async function imageFingerprint(image: string, inputDir: string): Promise<string> {
  const { path, stats } = await locateImage(image, inputDir);
  return `${path} ${stats.size} ${stats.mtimeNs}`;
}

/**
 * Reads the input image `image`, decodes it off the event loop (refusing one that declares too many
 * pixels) and hands its pixels to `convert`, which builds the
 * node's outputs; every image made from them must take `fit` (one shrink and crop for all).
 */
export async function readInputImage<T>(
  image: string,
  inputDir: string,
  convert: (pixels: Pixels, fit: (image: ImageBatch) => ImageBatch) => T,
): Promise<T> {
  const found = await locateImage(image, inputDir);
  const bytes = await readFile(found.path);
  let pixels: Pixels;
  try {
    pixels = await decodePixelsInBackground(bytes);
  } catch (cause) {
    throw cause instanceof ImageDecodeError && cause.reason === 'too_large' ? imageTooLarge(found.path, cause) : imageUnreadable(found.path, cause);
  }
  return convert(pixels, (picture) => fitForVae(picture, 8, MAX_IMAGE_SIDE));
}
