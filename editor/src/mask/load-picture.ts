import { readPngTextChunks } from '../workflow/png-workflow.ts';
import { EditorError } from '../errors.ts';
import { MASK_SOURCE_KEY } from './masked-image.ts';

/** The pixels of a PNG or JPEG, as the browser decodes them (the colour of fully transparent pixels is lost). */
export async function decodePicture(blob: Blob): Promise<ImageData> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch (cause) {
    throw new EditorError('image_unreadable', 'The image does not decode', { cause });
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true }) as OffscreenCanvasRenderingContext2D;
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

/** The upload a masked PNG says it was painted on (its `latentflow-mask-source` text), if any. */
export async function maskSourceOf(blob: Blob): Promise<string | undefined> {
  if (blob.type !== 'image/png') return undefined;
  return (await readPngTextChunks(new Uint8Array(await blob.arrayBuffer()))).get(MASK_SOURCE_KEY);
}

/** The same pixels with every alpha 255. */
export function opaque(picture: ImageData): ImageData {
  const data = new Uint8ClampedArray(picture.data);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return new ImageData(data, picture.width, picture.height);
}
