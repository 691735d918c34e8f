import { api } from '../api/client.ts';
import { decodePicture, maskSourceOf, opaque } from './load-picture.ts';
import { maskedPng, maskFromAlpha, type MaskBitmap } from './masked-image.ts';

export interface MaskedUpload {
  /** The upload the mask is painted on (the original, for an upload the painter saved). */
  source: string;
  /** Its pixels, opaque. */
  picture: ImageData;
  /** The mask the named image already holds in its alpha channel. */
  mask: MaskBitmap;
}

/**
 * Opens the image LoadImage reads as `name` for painting. One the painter saved names its original in
 * a text chunk: the colours come from that file (the browser loses the colour of transparent pixels), the mask from this one.
 */
export async function openMaskedUpload(projectId: string, name: string): Promise<MaskedUpload> {
  const blob = await api.inputImage(projectId, name);
  const own = await decodePicture(blob);
  const source = await maskSourceOf(blob);
  let picture = own;
  if (source !== undefined) {
    const original = await decodePicture(await api.inputImage(projectId, source));
    if (original.width === own.width && original.height === own.height) picture = original;
  }
  return { source: source ?? name, picture: opaque(picture), mask: maskFromAlpha(own) };
}

/** Uploads the picture with the mask in its alpha channel as `<source>-masked.png`; resolves to the name LoadImage reads it by. */
export async function saveMaskedUpload(projectId: string, upload: MaskedUpload, mask: MaskBitmap): Promise<string> {
  const bytes = await maskedPng(upload.picture, mask, upload.source);
  const name = `${upload.source.replace(/^.*\//, '').replace(/\.(png|jpe?g)$/i, '')}-masked.png`;
  return (await api.upload(projectId, new File([bytes as Uint8Array<ArrayBuffer>], name, { type: 'image/png' }))).filename;
}
